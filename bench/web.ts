/**
 * One run over the web rows: for each target, closed-loop throughput (wrk -c64, or the Node
 * fallback) with the CPU its processes used per request, then open-loop latency at a fixed rate.
 */
import { performance } from 'node:perf_hooks';
import type { LoadGenerator, LoadResult, LoadTarget } from './load.js';
import { runOpenLoop, type OpenLoopResult } from './open-loop.js';
import type { BenchOptions } from './options.js';
import { CLK_TCK, totalCpuTicks } from './proc-cpu.js';
import type { Role, WebTarget } from './targets.js';

export const WARMUP_SECONDS = 2;

export interface WebMeasure {
  role: Role;
  name: string;
  closed: LoadResult;
  /** utime + stime of the target's processes per request of the closed-loop run. */
  cpuUsPerRequest: number;
  open: OpenLoopResult;
  /** Rows on PostgreSQL: transactions their database ran per request of the closed-loop run. */
  storeTransactionsPerRequest?: number;
}

/** Warm-up, then a measured closed-loop run with the CPU `pids` used per request. */
export async function closedLoopCpu(
  load: LoadTarget,
  pids: () => number[],
  generator: LoadGenerator,
  seconds: number,
  storeTransactions?: () => Promise<number>,
) {
  await generator.run(load, WARMUP_SECONDS);
  const transactionsBefore = await storeTransactions?.();
  const before = totalCpuTicks(pids());
  const closed = await generator.run(load, seconds);
  const ticks = totalCpuTicks(pids()) - before;
  const cpuUsPerRequest = closed.requests > 0 ? ((ticks / CLK_TCK) * 1e6) / closed.requests : NaN;
  // Background work (heartbeats, probes, trail batches) over the window counts too: the figure
  // is an upper bound of what requests cost the database.
  const transactionsAfter = await storeTransactions?.();
  const storeTransactionsPerRequest =
    transactionsBefore === undefined || transactionsAfter === undefined || closed.requests === 0
      ? undefined
      : (transactionsAfter - transactionsBefore) / closed.requests;
  return { closed, cpuUsPerRequest, storeTransactionsPerRequest };
}

export async function measureWeb(
  targets: readonly WebTarget[],
  generator: LoadGenerator,
  options: BenchOptions,
  progress: (msg: string) => void,
): Promise<WebMeasure[]> {
  const measured: WebMeasure[] = [];
  for (const target of targets) {
    const began = performance.now();
    const { closed, cpuUsPerRequest, storeTransactionsPerRequest } = await closedLoopCpu(
      target.load,
      target.pids,
      generator,
      options.seconds,
      target.storeTransactions,
    );
    const open = await runOpenLoop(target.load, options.rate, options.seconds);
    progress(
      `${target.name}: ${closed.rps.toFixed(0)} req/s, ${cpuUsPerRequest.toFixed(0)} µs CPU/req; ` +
        `at ${options.rate}/s p50 ${open.latencyMs.p50.toFixed(2)} ms, ` +
        `p99 ${open.latencyMs.p99.toFixed(2)} ms (${((performance.now() - began) / 1000).toFixed(0)} s)`,
    );
    if (storeTransactionsPerRequest !== undefined)
      progress(
        `${target.name}: ${storeTransactionsPerRequest.toFixed(4)} PostgreSQL transactions per request`,
      );
    measured.push({
      role: target.role,
      name: target.name,
      closed,
      cpuUsPerRequest,
      open,
      storeTransactionsPerRequest,
    });
  }
  return measured;
}
