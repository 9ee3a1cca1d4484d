/** The bench's own helper processes (upstream, Node floor, IdP, load generators), run with tsx. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { startJsonChild } from './children.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerProcess {
  pid: number;
  port: number;
  child: ChildProcess;
  /** The whole JSON line the child printed when it was ready. */
  ready: Record<string, unknown>;
}

/** Starts bench/<file> and waits for its {"port": N} line. */
export async function startTsChild(
  label: string,
  file: string,
  env: Record<string, string> = {},
  timeoutMs?: number,
): Promise<ServerProcess> {
  const { child, ready } = await startJsonChild(
    label,
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', file)],
    { cwd: REPO_ROOT, env: { ...process.env, ...env } },
    timeoutMs,
  );
  if (typeof ready.port !== 'number' || child.pid === undefined) {
    throw new Error(`${label} reported no port: ${JSON.stringify(ready)}`);
  }
  return { pid: child.pid, port: ready.port, child, ready };
}

export const startUpstream = () => startTsChild('upstream', 'upstream-child.ts');

export const startFloor = (upstreamUrl: string) =>
  startTsChild('node floor', 'floor-child.ts', { BENCH_UPSTREAM: upstreamUrl });
