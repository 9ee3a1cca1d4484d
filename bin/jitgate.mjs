#!/usr/bin/env node
// Entry point of the `jitgate` command: the compiled CLI when built, else the TypeScript sources
// through tsx (a dependency), so `npm start` works straight after `npm ci`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/proxy/cli/main.js', import.meta.url));
if (existsSync(built) && !process.env.JITGATE_FROM_SOURCE) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../proxy/cli/main.ts', import.meta.url).href);
}
