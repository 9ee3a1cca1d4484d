/**
 * The goals of issue #19, each judged from one bench run (medians when there were several runs).
 * A goal whose measurement is missing says why instead of passing. Pure.
 */
import type { ScaleResults } from './scale.js';
import type { Spread } from './stats.js';
import type { WebSummary } from './summary.js';
import type { Role } from './targets.js';
import type { TerminalResults } from './terminal-bench.js';

export const GOALS = {
  percentOfNginx: 35,
  cpuVsFloor: 1.5,
  cpuVsApache: 0.7,
  addedP50Ms: 0.5,
  addedP99Ms: 3,
  rssMiB: 120,
  relayVsDirect: 0.6,
  echoAddedP99Ms: 5,
  scaleCpuRatio: 1.1,
  expiryCutMs: 1000,
  workersVsApache: 1.2,
  /**
   * PostgreSQL transactions per proxied request on the replicas row. A round trip per request
   * would be ≥ 1; what remains is background work (heartbeats, change-feed probes, the trail's
   * batched writes), a few dozen a second shared by thousands of requests.
   */
  replicaTransactionsPerRequest: 0.05,
} as const;

export type Verdict = 'pass' | 'fail' | 'not measured';

export interface Goal {
  goal: string;
  measured: string;
  verdict: Verdict;
}

export interface GoalInputs {
  web: WebSummary[] | undefined;
  skipped: { role: Role; why: string }[];
  rssAfterMiB: number | undefined;
  terminals: TerminalResults | string | undefined;
  scale: ScaleResults | undefined;
}

const fmt = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';

/** How a goal's figure is written: its usual decimals, and its unit around the number. */
interface Shown {
  digits: number;
  unit: (number: string) => string;
}

/**
 * `value` with its usual decimals, or up to three more when rounding would put it on the other
 * side of the goal: a relay at 59.7% reads "59.7%", not "60%" next to a fail.
 */
export function decisive(value: number, digits: number, ok: (v: number) => boolean): string {
  let shown = digits;
  while (shown < digits + 3 && ok(Number(value.toFixed(shown))) !== ok(value)) shown++;
  return value.toFixed(shown);
}

function judge(goal: string, value: number, ok: (v: number) => boolean, shown: Shown): Goal {
  if (!Number.isFinite(value)) return { goal, measured: 'no number', verdict: 'not measured' };
  const measured = shown.unit(decisive(value, shown.digits, ok));
  return { goal, measured, verdict: ok(value) ? 'pass' : 'fail' };
}

const percent = (digits: number): Shown => ({ digits, unit: (n) => `${n}%` });
const times = (digits: number): Shown => ({ digits, unit: (n) => `${n}×` });
const ms = (digits: number): Shown => ({ digits, unit: (n) => `${n} ms` });

export function judgeGoals(inputs: GoalInputs): Goal[] {
  const jitgate = inputs.web?.find((w) => w.role === 'jitgate');
  const why = (role: Role, fallback: string) =>
    inputs.skipped.find((s) => s.role === role)?.why ?? fallback;
  const missing = (goal: string, reason: string): Goal => ({
    goal,
    measured: reason,
    verdict: 'not measured',
  });
  const webGoal = (
    goal: string,
    needs: Role | undefined,
    s: (w: WebSummary) => Spread,
    ok: (v: number) => boolean,
    shown: Shown,
  ) => {
    if (!jitgate) return missing(goal, 'the web section did not run');
    if (needs && !inputs.web?.some((w) => w.role === needs))
      return missing(goal, why(needs, `no ${needs} row`));
    const value = s(jitgate).median;
    return judge(goal, value, ok, shown);
  };
  const goals: Goal[] = [
    webGoal(
      `jitgate req/s ≥ ${GOALS.percentOfNginx}% of nginx's`,
      'nginx',
      (w) => w.percentOfNginx,
      (v) => v >= GOALS.percentOfNginx,
      percent(1),
    ),
    webGoal(
      `CPU per request ≤ ${GOALS.cpuVsFloor}× the Node floor's`,
      'floor',
      (w) => w.cpuVsFloor,
      (v) => v <= GOALS.cpuVsFloor,
      times(2),
    ),
    webGoal(
      `CPU per request ≤ ${GOALS.cpuVsApache}× Apache + mod_auth_openidc's`,
      'apache',
      (w) => w.cpuVsApache,
      (v) => v <= GOALS.cpuVsApache,
      times(2),
    ),
    webGoal(
      `p50 added over direct at a fixed rate ≤ ${GOALS.addedP50Ms} ms`,
      'direct',
      (w) => w.addedP50,
      (v) => v <= GOALS.addedP50Ms,
      ms(2),
    ),
    webGoal(
      `p99 added over direct at a fixed rate ≤ ${GOALS.addedP99Ms} ms`,
      'direct',
      (w) => w.addedP99,
      (v) => v <= GOALS.addedP99Ms,
      ms(2),
    ),
  ];
  const rss = inputs.rssAfterMiB ?? Number.NaN;
  goals.push(
    jitgate
      ? judge(`jitgate RSS after the load ≤ ${GOALS.rssMiB} MiB`, rss, (v) => v <= GOALS.rssMiB, {
          digits: 0,
          unit: (n) => `${n} MiB`,
        })
      : missing(`jitgate RSS after the load ≤ ${GOALS.rssMiB} MiB`, 'the web section did not run'),
  );
  const relayGoal = `terminal relay throughput ≥ ${GOALS.relayVsDirect * 100}% of direct SSH`;
  const echoGoal = `keystroke echo p99 added ≤ ${GOALS.echoAddedP99Ms} ms`;
  const t = inputs.terminals;
  if (typeof t === 'object') {
    const share = (100 * t.relay.bytesPerSecond) / t.direct.bytesPerSecond;
    goals.push(judge(relayGoal, share, (v) => v >= GOALS.relayVsDirect * 100, percent(0)));
    const added = t.relay.echoMs.p99 - t.direct.echoMs.p99;
    goals.push(judge(echoGoal, added, (v) => v <= GOALS.echoAddedP99Ms, ms(2)));
  } else {
    const reason = t ?? 'the terminals section did not run';
    goals.push(missing(relayGoal, reason), missing(echoGoal, reason));
  }
  const scaleGoal = `hot-path CPU with many grants and sessions within ${Math.round((GOALS.scaleCpuRatio - 1) * 100)}%`;
  const expiryGoal = `grants expiring in the same second: all cut within ${GOALS.expiryCutMs / 1000} s`;
  const s = inputs.scale;
  if (s) {
    // Judged as the percentage it is shown as: a 10.4% change is not written "10%".
    const change = 100 * (s.large.cpuUsPerRequest / s.small.cpuUsPerRequest - 1);
    const within = Math.round((GOALS.scaleCpuRatio - 1) * 100);
    goals.push(
      judge(scaleGoal, change, (v) => v <= within, {
        digits: 0,
        unit: (n) => `${n}% (${s.large.people} people)`,
      }),
    );
    const e = s.expiry;
    goals.push(
      e
        ? {
            goal: expiryGoal,
            measured: `${e.cutWithinOneSecond}/${e.grants} within 1 s, last after ${fmt(e.cutMs.p100, 0)} ms`,
            // Every grant's connection must have been open at T and cut within the second.
            verdict:
              e.openAtExpiry === e.grants && e.cutWithinOneSecond === e.grants ? 'pass' : 'fail',
          }
        : missing(expiryGoal, 'BENCH_EXPIRING_GRANTS=0'),
    );
  } else {
    goals.push(
      missing(scaleGoal, 'the scale section did not run'),
      missing(expiryGoal, 'the scale section did not run'),
    );
  }
  goals.push(rowGoal(inputs, 'jitgate-workers', why, workersGoal));
  goals.push(rowGoal(inputs, 'jitgate-replicas', why, replicasGoal));
  return goals;
}

const workersGoal = {
  goal: `one worker per core: req/s ≥ ${GOALS.workersVsApache}× Apache's`,
  needs: 'apache' as Role,
  value: (w: WebSummary) => w.rpsVsApache.median,
  ok: (v: number) => v >= GOALS.workersVsApache,
  shown: times(2),
};

const replicasGoal = {
  goal: `two replicas on PostgreSQL: no PostgreSQL round trip per request (≤ ${GOALS.replicaTransactionsPerRequest} transactions per request)`,
  needs: undefined,
  value: (w: WebSummary) => w.storeTransactionsPerRequest.median,
  ok: (v: number) => v <= GOALS.replicaTransactionsPerRequest,
  shown: { digits: 4, unit: (n: string) => `${n} transactions per request` },
};

/** A goal on one row of its own (not jitgate's single process). */
function rowGoal(
  inputs: GoalInputs,
  role: Role,
  why: (role: Role, fallback: string) => string,
  spec: typeof workersGoal | typeof replicasGoal,
): Goal {
  const row = inputs.web?.find((w) => w.role === role);
  const missing = (reason: string): Goal => ({
    goal: spec.goal,
    measured: reason,
    verdict: 'not measured',
  });
  if (!inputs.web) return missing('the web section did not run');
  if (!row) return missing(why(role, `no ${role} row`));
  if (spec.needs && !inputs.web.some((w) => w.role === spec.needs))
    return missing(why(spec.needs, `no ${spec.needs} row`));
  return judge(spec.goal, spec.value(row), spec.ok, spec.shown);
}
