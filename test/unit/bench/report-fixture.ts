/** Bench results as a run would leave them, for the report and plot tests. */
import type { BenchResults } from '../../../bench/results.js';
import type { ScaleResults } from '../../../bench/scale.js';
import type { TerminalResults } from '../../../bench/terminal-bench.js';
import type { Role } from '../../../bench/targets.js';
import type { WebMeasure } from '../../../bench/web.js';

const percentiles = (p50: number) => ({
  p50,
  p90: p50 * 2,
  p99: p50 * 4,
  'p99.9': p50 * 6,
  p100: p50 * 10,
});

export function measure(role: Role, rps: number, cpu: number, p50: number): WebMeasure {
  return {
    role,
    name: `${role} <row>`,
    closed: { requests: rps * 10, seconds: 10, rps, p50Ms: 1, p99Ms: 2, non2xx: 0, errors: 0 },
    cpuUsPerRequest: cpu,
    open: {
      rate: 2000,
      seconds: 10,
      sent: 20_000,
      completed: 20_000,
      unfinished: 0,
      non2xx: 0,
      errors: 0,
      latencyMs: percentiles(p50),
      sendLatenessMs: percentiles(0.1),
    },
  };
}

const run = (jitgateRps: number): WebMeasure[] => [
  measure('direct', 80_000, 10, 0.2),
  measure('nginx', 50_000, 15, 0.3),
  measure('floor', 25_000, 60, 0.4),
  measure('apache', 15_000, 100, 0.5),
  measure('jitgate', jitgateRps, 80, 0.6),
];

export function results(runs = 2): BenchResults {
  return {
    info: {
      date: '2026-12-01 10:00 UTC',
      machine: 'test CPU × 2',
      generator: 'wrk -t2 -c64 --latency',
      seconds: 10,
      warmupSeconds: 2,
      rate: 2000,
      runs,
    },
    web: {
      runs: Array.from({ length: runs }, (_, i) => run(20_000 + i * 1000)),
      skipped: [{ role: 'jitgate-workers', why: 'planned: one worker per core' }],
      jitgateRssMiB: { before: 100, after: 110, afterAnon: 70, afterFile: 40 },
    },
    terminals: 'sshd is not installed',
    scale: undefined,
    notes: [],
  };
}

export const terminals: TerminalResults = {
  fileMiB: 32,
  direct: {
    bytesPerSecond: 100 * 2 ** 20,
    rounds: [96, 100, 104].map((m) => m * 2 ** 20),
    echoMs: percentiles(0.5),
  },
  relay: {
    bytesPerSecond: 70 * 2 ** 20,
    rounds: [70, 69, 75].map((m) => m * 2 ** 20),
    echoMs: percentiles(0.8),
  },
  idle: {
    sessions: 1000,
    jitgateRssBeforeMiB: 100,
    jitgateRssAfterMiB: 180,
    jitgateKiBPerSession: 82,
    sshClientKiBPerSession: 1500,
  },
};

const stateCase = (people: number, cpu: number) => ({
  people,
  rssStartMiB: 100 + people / 1000,
  rssCachedMiB: 110 + people / 500,
  closed: { requests: 1000, seconds: 10, rps: 100, p50Ms: 1, p99Ms: 2, non2xx: 0, errors: 0 },
  cpuUsPerRequest: cpu,
});

export const scale: ScaleResults = {
  small: stateCase(1, 80),
  large: stateCase(10_000, 84),
  kibPerGrant: 1.02,
  kibPerSession: 2.05,
  expiry: {
    grants: 1000,
    openAtExpiry: 1000,
    cutWithinOneSecond: 999,
    notCut: 0,
    cutMs: percentiles(300),
    closedMs: percentiles(400),
  },
};
