/**
 * The several-process rows (workers, replicas) put against the single jitgate process of the same
 * run, in words under the web table: generated, so the README's copy never quotes an older run.
 */
import { spreadCell } from './report-format.js';
import type { WebSummary } from './summary.js';

const againstJitgate = (row: WebSummary) =>
  `${spreadCell(row.rpsVsJitgate, 2, '×')} its requests/s at ${spreadCell(row.cpuVsJitgate, 2, '×')} its CPU per request`;

export function processesLine(rows: readonly WebSummary[]): string[] {
  const workers = rows.find((w) => w.role === 'jitgate-workers');
  const replicas = rows.find((w) => w.role === 'jitgate-replicas');
  if (!rows.some((w) => w.role === 'jitgate') || (!workers && !replicas)) return [];
  const clauses = [
    ...(workers ? [`${workers.name} served ${againstJitgate(workers)}`] : []),
    ...(replicas
      ? [
          `${replicas.name} ${againstJitgate(replicas)} (that row counts nginx and both replicas), with ` +
            `${spreadCell(replicas.storeTransactionsPerRequest, 4)} PostgreSQL transactions per ` +
            "proxied request (the replicas' heartbeats and jobs; a round trip per request would be 1)",
        ]
      : []),
  ];
  return [
    '',
    `Against the single jitgate process in the same run: ${clauses.join('; ')}. The load ` +
      'generator, the upstream and the balancer share the same cores.',
  ];
}
