/**
 * The jitgate under test runs from compiled JavaScript (dist/), as a deployment does: rebuilt
 * with `npm run build` whenever a source file is newer than the compiled CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './ts-child.js';

export const COMPILED_CLI = join(REPO_ROOT, 'dist', 'proxy', 'cli', 'main.js');
const SOURCES = ['proxy', 'recorder'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Newest modification time (ms) of the TypeScript sources and build settings. */
export function newestSource(root = REPO_ROOT): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCES) walk(join(root, dir));
  for (const file of CONFIGS)
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

/** Runs `npm run build` unless dist/ is newer than every source; throws when the build fails. */
export function buildIfStale(progress: (msg: string) => void): void {
  if (existsSync(COMPILED_CLI) && statSync(COMPILED_CLI).mtimeMs >= newestSource()) return;
  progress('dist/ is missing or older than the sources: npm run build');
  const built = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0)
    throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`.slice(-4000));
}
