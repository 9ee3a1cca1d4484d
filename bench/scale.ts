/**
 * Scale of state: the same hot path with one person and with N live grants and N cached sessions
 * (N = BENCH_SCALE), each in a fresh jitgate: CPU per request compared, and memory per grant
 * (RSS after start) and per session (RSS growth once every session is cached). The load comes
 * from one person's cookie in both cases, so the difference is what the extra state costs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { stopJitgate } from './jitgate.js';
import type { LoadGenerator, LoadResult } from './load.js';
import { BENCH_PATH } from './login.js';
import type { BenchOptions } from './options.js';
import { rssMiB } from './proc-cpu.js';
import { startSeeded, touchEverySession } from './scale-instance.js';
import type { Stack } from './stack.js';
import { measureExpiry, type ExpiryResult } from './expiry.js';
import { closedLoopCpu } from './web.js';

export interface StateCase {
  people: number;
  rssStartMiB: number;
  rssCachedMiB: number;
  closed: LoadResult;
  cpuUsPerRequest: number;
}

export interface ScaleResults {
  small: StateCase;
  large: StateCase;
  /** (large − small) RSS after start, per grant, KiB. */
  kibPerGrant: number;
  /** Extra RSS growth from caching the sessions, per session, KiB. */
  kibPerSession: number;
  expiry: ExpiryResult | undefined;
}

const SETTLE_MS = 2_000;
const HOUR = 3_600_000;

async function stateCase(
  stack: Stack,
  people: number,
  generator: LoadGenerator,
  options: BenchOptions,
  progress: (msg: string) => void,
): Promise<StateCase> {
  const label = `scale-${people}`;
  const instance = await startSeeded(
    stack,
    label,
    people,
    Date.now() + 12 * HOUR,
    options.proxyNodeArgs,
  );
  try {
    await sleep(SETTLE_MS);
    const pid = instance.jitgate.pid;
    const rssStartMiB = rssMiB(pid) ?? Number.NaN;
    await touchEverySession(instance);
    await sleep(SETTLE_MS);
    const rssCachedMiB = rssMiB(pid) ?? Number.NaN;
    const target = {
      url: `http://127.0.0.1:${instance.jitgate.port}${BENCH_PATH}`,
      headers: instance.headers(instance.cookies[0] ?? ''),
    };
    const { closed, cpuUsPerRequest } = await closedLoopCpu(
      target,
      () => [pid],
      generator,
      options.seconds,
    );
    progress(
      `scale: ${people} people: RSS ${rssStartMiB.toFixed(0)} → ${rssCachedMiB.toFixed(0)} MiB, ` +
        `${cpuUsPerRequest.toFixed(0)} µs CPU/req`,
    );
    return { people, rssStartMiB, rssCachedMiB, closed, cpuUsPerRequest };
  } finally {
    await stopJitgate(instance.jitgate);
  }
}

export async function measureScale(
  stack: Stack,
  generator: LoadGenerator,
  options: BenchOptions,
  progress: (msg: string) => void,
): Promise<ScaleResults> {
  const small = await stateCase(stack, 1, generator, options, progress);
  const large = await stateCase(stack, Math.max(1, options.scale), generator, options, progress);
  const extra = large.people - small.people;
  const perPerson = (mib: number) => (extra > 0 ? (mib * 1024) / extra : Number.NaN);
  const expiry =
    options.expiringGrants > 0
      ? await measureExpiry(stack, options.expiringGrants, options.proxyNodeArgs, progress)
      : undefined;
  return {
    small,
    large,
    kibPerGrant: perPerson(large.rssStartMiB - small.rssStartMiB),
    kibPerSession: perPerson(
      large.rssCachedMiB - large.rssStartMiB - (small.rssCachedMiB - small.rssStartMiB),
    ),
    expiry,
  };
}
