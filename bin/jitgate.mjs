#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --no-parallel-scavenge --liftoff-only
// Entry point of the `jitgate` command: the compiled CLI when built, else the TypeScript sources
// through tsx (a dependency), so `npm start` works straight after `npm ci`.
// The first line is how a deployment runs (docs/operations.md, "Memory"): V8's young generation
// at most 4 MiB per semi-space (Node's default lets them grow to 16 under load and keeps them),
// scavenged by the main thread alone (helpers for so small a space cost more CPU than they
// save), WebAssembly (undici's HTTP parser) left in V8's baseline tier (its optimizing compile
// mallocs ~35 MiB per parser, part of which glibc keeps), and glibc at two malloc arenas (else
// one per thread, each keeping its own freed memory). Kernels before 5.1 cut this line at 127
// bytes: keep it shorter.
// `node bin/jitgate.mjs` does not read that line: give node your own flags then.
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
