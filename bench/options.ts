/**
 * What one `npm run bench` does, read from its arguments and environment in one place (pure, so
 * the rules are unit-tested). Arguments:
 *   --runs N          measure the web rows N times and report median and min–max, and alternate
 *                     the scale cases N times each (median; default 1)
 *   --only LIST       sections to run: web, terminals, scale (comma-separated; default all)
 *   --soak DURATION   soak mode instead: steady load plus WebSocket churn, RSS over time ("10m")
 * Environment (sizes scale down for a quick check, e.g. BENCH_SECONDS=2 BENCH_IDLE_TERMINALS=10):
 *   BENCH_SECONDS            seconds per target and load (default 10), after a 2 s warm-up
 *   BENCH_RATE               open-loop request rate (default 2000 req/s)
 *   BENCH_LOADGEN=node       the built-in closed-loop generator even when wrk is installed
 *   BENCH_SKIP_NGINX=1, BENCH_SKIP_APACHE=1   leave that row out
 *   BENCH_PROXY_NODE_ARGS    extra node flags for the jitgate child (e.g. --cpu-prof)
 *   BENCH_PROXY_OUTPUT       FILE: each jitgate child's stdout and stderr go to FILE.<label> too
 *   BENCH_TERMINAL_MIB       size of the file `cat` through a terminal (default 32)
 *   BENCH_KEYSTROKES         keystrokes timed for echo latency (default 200)
 *   BENCH_IDLE_TERMINALS     concurrent idle terminal sessions (default 1000)
 *   BENCH_SCALE              live grants and cached sessions in the scale case (default 10000)
 *   BENCH_EXPIRING_GRANTS    grants (one connection each) expiring in the same second (1000)
 *   BENCH_SOAK_EVERY         seconds between RSS samples in soak mode (default 10)
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../proxy/shared/duration.js';

export const SECTIONS = ['web', 'terminals', 'scale'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  runs: number;
  sections: Section[];
  /** Soak mode when set: its length in ms. */
  soakMs: number | undefined;
  seconds: number;
  rate: number;
  nodeLoadgen: boolean;
  skipNginx: boolean;
  skipApache: boolean;
  proxyNodeArgs: string[];
  terminalMiB: number;
  keystrokes: number;
  idleTerminals: number;
  scale: number;
  expiringGrants: number;
  soakEverySeconds: number;
}

export class OptionError extends Error {}

type Env = Record<string, string | undefined>;

/** A whole number ≥ `min` from the environment, or its default. */
function count(env: Env, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new OptionError(`${name} must be a whole number ≥ ${min}, not "${raw}"`);
  return value;
}

function sections(list: string | undefined): Section[] {
  if (list === undefined) return [...SECTIONS];
  const names = list.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(SECTIONS as readonly string[]).includes(name))
      throw new OptionError(`--only takes ${SECTIONS.join(', ')}; not "${name}"`);
  }
  return SECTIONS.filter((s) => names.includes(s));
}

export function parseBenchOptions(args: readonly string[], env: Env): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        runs: { type: 'string' },
        only: { type: 'string' },
        soak: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new OptionError((error as Error).message);
  }
  const runs = count({ '--runs': values.runs }, '--runs', 1);
  let soakMs: number | undefined;
  if (values.soak !== undefined) {
    soakMs = parseDuration(values.soak);
    if (soakMs === undefined || soakMs < 1000)
      throw new OptionError(`--soak takes a duration such as 10m or 90s, not "${values.soak}"`);
  }
  return {
    runs,
    sections: sections(values.only),
    soakMs,
    seconds: count(env, 'BENCH_SECONDS', 10),
    rate: count(env, 'BENCH_RATE', 2000),
    nodeLoadgen: env.BENCH_LOADGEN === 'node',
    skipNginx: Boolean(env.BENCH_SKIP_NGINX),
    skipApache: Boolean(env.BENCH_SKIP_APACHE),
    proxyNodeArgs: (env.BENCH_PROXY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    terminalMiB: count(env, 'BENCH_TERMINAL_MIB', 32),
    keystrokes: count(env, 'BENCH_KEYSTROKES', 200),
    idleTerminals: count(env, 'BENCH_IDLE_TERMINALS', 1000, 0),
    scale: count(env, 'BENCH_SCALE', 10_000, 0),
    expiringGrants: count(env, 'BENCH_EXPIRING_GRANTS', 1000, 0),
    soakEverySeconds: count(env, 'BENCH_SOAK_EVERY', 10),
  };
}
