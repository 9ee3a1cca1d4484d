/**
 * The web rows over one or more runs: every figure (and every ratio, taken within its own run, as
 * the issue asks) reduced to its median and range. Pure.
 */
import { ratio, REPORTED_PERCENTILES, spread, type Percentile, type Spread } from './stats.js';
import type { Role } from './targets.js';
import type { WebMeasure } from './web.js';

export interface WebSummary {
  role: Role;
  name: string;
  rps: Spread;
  cpuUs: Spread;
  percentOfNginx: Spread;
  cpuVsFloor: Spread;
  cpuVsApache: Spread;
  rpsVsApache: Spread;
  /** Against the single jitgate process in the same run (the several-process rows). */
  rpsVsJitgate: Spread;
  cpuVsJitgate: Spread;
  /** Rows on PostgreSQL: transactions per request during the closed-loop run (else NaN). */
  storeTransactionsPerRequest: Spread;
  /** Open-loop latency percentiles, ms. */
  latency: Record<`p${Percentile}`, Spread>;
  /** Open-loop p50 and p99 over the direct upstream's, ms. */
  addedP50: Spread;
  addedP99: Spread;
  /** Why some of this row's numbers are not valid (errors, unanswered requests). */
  problems: string[];
}

const byRole = (run: readonly WebMeasure[], role: Role) => run.find((m) => m.role === role);

/** Open-loop sends later than this (p99) mean the generator, not the target, fell behind. */
export const LATE_SEND_MS = 5;

function problemsOf(m: WebMeasure, run: number): string[] {
  const found: string[] = [];
  const { closed, open } = m;
  if (closed.non2xx > 0 || closed.errors > 0)
    found.push(
      `run ${run}: ${closed.non2xx} non-2xx and ${closed.errors} errors in ` +
        `${closed.requests} closed-loop requests: its numbers are not valid`,
    );
  if (open.non2xx > 0 || open.errors > 0 || open.unfinished > 0)
    found.push(
      `run ${run}: ${open.non2xx} non-2xx, ${open.errors} errors, ${open.unfinished} unanswered ` +
        `in ${open.sent} open-loop requests: its latencies are not valid`,
    );
  if (open.sendLatenessMs.p99 > LATE_SEND_MS)
    found.push(
      `run ${run}: the open-loop generator sent ${open.sendLatenessMs.p99.toFixed(1)} ms late ` +
        '(p99): the machine was too busy for these latencies to describe the target',
    );
  return found;
}

export function summarizeWeb(runs: readonly (readonly WebMeasure[])[]): WebSummary[] {
  const first = runs[0] ?? [];
  return first.map(({ role, name }) => {
    const per = <T>(pick: (m: WebMeasure, run: readonly WebMeasure[]) => T) =>
      runs.flatMap((run) => {
        const m = byRole(run, role);
        return m ? [pick(m, run)] : [];
      });
    const relative = (other: Role, value: (m: WebMeasure) => number) =>
      spread(
        per((m, run) => {
          const base = byRole(run, other);
          return base ? ratio(value(m), value(base)) : Number.NaN;
        }),
      );
    const latency = {} as WebSummary['latency'];
    for (const p of REPORTED_PERCENTILES)
      latency[`p${p}`] = spread(per((m) => m.open.latencyMs[`p${p}`]));
    return {
      role,
      name,
      rps: spread(per((m) => m.closed.rps)),
      cpuUs: spread(per((m) => m.cpuUsPerRequest)),
      percentOfNginx: spread(
        per((m, run) => 100 * ratio(m.closed.rps, byRole(run, 'nginx')?.closed.rps ?? Number.NaN)),
      ),
      cpuVsFloor: relative('floor', (m) => m.cpuUsPerRequest),
      cpuVsApache: relative('apache', (m) => m.cpuUsPerRequest),
      rpsVsApache: relative('apache', (m) => m.closed.rps),
      rpsVsJitgate: relative('jitgate', (m) => m.closed.rps),
      cpuVsJitgate: relative('jitgate', (m) => m.cpuUsPerRequest),
      storeTransactionsPerRequest: spread(per((m) => m.storeTransactionsPerRequest ?? Number.NaN)),
      latency,
      addedP50: spread(
        per(
          (m, run) =>
            m.open.latencyMs.p50 - (byRole(run, 'direct')?.open.latencyMs.p50 ?? Number.NaN),
        ),
      ),
      addedP99: spread(
        per(
          (m, run) =>
            m.open.latencyMs.p99 - (byRole(run, 'direct')?.open.latencyMs.p99 ?? Number.NaN),
        ),
      ),
      problems: runs.flatMap((run, i) => {
        const m = byRole(run, role);
        return m ? problemsOf(m, i + 1) : [];
      }),
    };
  });
}
