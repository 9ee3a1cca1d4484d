/** What a load generator is given and what it measures: the same for wrk and the Node fallback. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface LoadTarget {
  /** Where to connect, e.g. http://127.0.0.1:PORT/bench. */
  url: string;
  /** Extra request headers (Host, Cookie). */
  headers: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses outside 2xx/3xx. */
  non2xx: number;
  /** Connect, read, write errors and timeouts. */
  errors: number;
}

export interface LoadGenerator {
  name: string;
  run(target: LoadTarget, seconds: number): Promise<LoadResult>;
}

export const CONNECTIONS = 64;
export const THREADS = 2;

/** Full path of an executable on PATH (or in `extraDirs`), or undefined. */
export function findExecutable(
  name: string,
  extraDirs: readonly string[] = [],
): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}
