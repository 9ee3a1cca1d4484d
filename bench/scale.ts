/**
 * Scale of state: the same hot path with one person and with N live grants and N cached sessions
 * (N = BENCH_SCALE), each in a fresh jitgate: CPU per request compared, and memory per grant
 * (RSS after start) and per session (RSS growth once every session is cached). The load comes
 * from one person's cookie in both cases, so the difference is what the extra state costs. The
 * two run side by side and their loads alternate, --runs times each; each reports its median.
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

interface SeededCase {
  people: number;
  instance: Awaited<ReturnType<typeof startSeeded>>;
  rssStartMiB: number;
  rssCachedMiB: number;
  runs: { closed: LoadResult; cpuUsPerRequest: number }[];
}

async function seededCase(stack: Stack, people: number, options: BenchOptions) {
  const instance = await startSeeded(
    stack,
    `scale-${people}`,
    people,
    Date.now() + 12 * HOUR,
    options.proxyNodeArgs,
  );
  await sleep(SETTLE_MS);
  const rssStartMiB = rssMiB(instance.jitgate.pid) ?? Number.NaN;
  await touchEverySession(instance);
  await sleep(SETTLE_MS);
  const rssCachedMiB = rssMiB(instance.jitgate.pid) ?? Number.NaN;
  const seeded: SeededCase = { people, instance, rssStartMiB, rssCachedMiB, runs: [] };
  return seeded;
}

async function loadOnce(seeded: SeededCase, generator: LoadGenerator, options: BenchOptions) {
  const { instance } = seeded;
  const target = {
    url: `http://127.0.0.1:${instance.jitgate.port}${BENCH_PATH}`,
    headers: instance.headers(instance.cookies[0] ?? ''),
  };
  seeded.runs.push(
    await closedLoopCpu(target, () => [instance.jitgate.pid], generator, options.seconds),
  );
}

/** The case as reported: its median run by CPU per request. */
function stateCase(seeded: SeededCase, progress: (msg: string) => void): StateCase {
  const byCpu = [...seeded.runs].sort((a, b) => a.cpuUsPerRequest - b.cpuUsPerRequest);
  const median = byCpu[Math.floor((byCpu.length - 1) / 2)];
  if (!median) throw new Error(`scale: no load ran for ${seeded.people} people`);
  const { people, rssStartMiB, rssCachedMiB } = seeded;
  progress(
    `scale: ${people} people: RSS ${rssStartMiB.toFixed(0)} → ${rssCachedMiB.toFixed(0)} MiB, ` +
      `${seeded.runs.map((r) => r.cpuUsPerRequest.toFixed(0)).join(' / ')} µs CPU/req`,
  );
  return { people, rssStartMiB, rssCachedMiB, ...median };
}

export async function measureScale(
  stack: Stack,
  generator: LoadGenerator,
  options: BenchOptions,
  progress: (msg: string) => void,
): Promise<ScaleResults> {
  // Both at once, their loads alternating (--runs times each): one run apiece swung the
  // difference between 1% and 12% from one bench to the next, more than the goal's 10%.
  const cases: SeededCase[] = [];
  let small: StateCase;
  let large: StateCase;
  try {
    cases.push(await seededCase(stack, 1, options));
    cases.push(await seededCase(stack, Math.max(1, options.scale), options));
    for (let run = 0; run < options.runs; run++)
      for (const seeded of cases) await loadOnce(seeded, generator, options);
    [small, large] = cases.map((seeded) => stateCase(seeded, progress)) as [StateCase, StateCase];
  } finally {
    for (const seeded of cases) await stopJitgate(seeded.instance.jitgate);
  }
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
