/** Runs the open-loop generator (open-loop-child.ts) against one target and reads its result. */
import { exited, startChild } from './children.js';
import type { Percentiles } from './stats.js';
import { REPO_ROOT } from './ts-child.js';
import { join } from 'node:path';
import type { LoadTarget } from './load.js';

export interface OpenLoopInput {
  url: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  connections: number;
}

export interface OpenLoopResult {
  rate: number;
  seconds: number;
  sent: number;
  completed: number;
  /** Still without an answer 10 s after the last was due. */
  unfinished: number;
  non2xx: number;
  errors: number;
  /** From each request's intended send time to the end of its answer. */
  latencyMs: Percentiles;
  /** How late the generator itself sent: when this is large, it and not the target fell behind. */
  sendLatenessMs: Percentiles;
}

export const OPEN_LOOP_CONNECTIONS = 64;

export async function runOpenLoop(
  target: LoadTarget,
  rate: number,
  seconds: number,
): Promise<OpenLoopResult> {
  const input: OpenLoopInput = {
    url: target.url,
    headers: target.headers,
    rate,
    seconds,
    connections: OPEN_LOOP_CONNECTIONS,
  };
  const child = startChild(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'open-loop-child.ts')],
    { cwd: REPO_ROOT, env: { ...process.env, BENCH_OPEN_LOOP: JSON.stringify(input) } },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await exited(child);
  const line = output.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`open-loop generator failed (${code}):\n${output}`);
  return JSON.parse(line) as OpenLoopResult;
}
