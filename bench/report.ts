/** The results as a markdown table (already in prettier's layout) plus the budget verdict. */
import type { LoadResult } from './load.js';

export interface Measured {
  name: string;
  role: 'direct' | 'nginx' | 'jitgate';
  result: LoadResult;
  cpuUsPerRequest: number;
}

export interface RunInfo {
  date: string;
  machine: string;
  generator: string;
  seconds: number;
  warmupSeconds: number;
  notes: string[];
  /** jitgate's resident memory once logged in (before load) and after the run. */
  jitgateRssMiB: { idle: number | undefined; after: number | undefined };
}

/** The floor and the design's target for proxied requests with the full check. */
export const BUDGET = {
  floor: { percentOfNginx: 25, cpuUs: 150 },
  target: { percentOfNginx: 35, cpuUs: 100 },
  rssMiB: 150,
};

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';
const verdict = (ok: boolean) => (ok ? '**pass**' : '**fail**');

/** A table laid out the way prettier formats markdown: padded cells, aligned delimiters. */
export function markdownTable(header: string[], rows: string[][], right: boolean[]): string[] {
  const widths = header.map((h, i) =>
    Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const pad = (cell: string, i: number) =>
    right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (right[i] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}

export function renderReport(measured: Measured[], info: RunInfo): string {
  const nginx = measured.find((m) => m.role === 'nginx');
  const jitgate = measured.find((m) => m.role === 'jitgate');
  const rows = measured.map((m) => [
    m.name,
    fixed(m.result.rps, 0),
    nginx ? fixed((100 * m.result.rps) / nginx.result.rps, 0) : '—',
    fixed(m.cpuUsPerRequest, 0),
    fixed(m.result.p50Ms, 2),
    fixed(m.result.p99Ms, 2),
  ]);
  const header = ['target', 'req/s', '% of nginx', 'CPU µs/req', 'p50 ms', 'p99 ms'];
  const lines = [
    '# Benchmark: latest run',
    '',
    `${info.date}, ${info.machine}. Load: ${info.generator}, ${info.warmupSeconds} s warm-up then ` +
      `${info.seconds} s per target, GET /bench answering 1 KiB on keep-alive. ` +
      'CPU is utime + stime of the server process under test per request.',
    '',
    ...markdownTable(header, rows, [false, true, true, true, true, true]),
    '',
  ];
  if (jitgate) {
    const cpu = jitgate.cpuUsPerRequest;
    const cpuLine =
      `CPU ${fixed(cpu, 0)} µs/request: floor ≤ ${BUDGET.floor.cpuUs} ${verdict(cpu <= BUDGET.floor.cpuUs)}, ` +
      `target ≤ ${BUDGET.target.cpuUs} ${verdict(cpu <= BUDGET.target.cpuUs)}`;
    if (nginx) {
      const ratio = (100 * jitgate.result.rps) / nginx.result.rps;
      lines.push(
        `jitgate/nginx = ${fixed(ratio, 1)}% of nginx req/s: ` +
          `floor ≥ ${BUDGET.floor.percentOfNginx}% ${verdict(ratio >= BUDGET.floor.percentOfNginx)}, ` +
          `target ≥ ${BUDGET.target.percentOfNginx}% ${verdict(ratio >= BUDGET.target.percentOfNginx)}. ${cpuLine}.`,
      );
    } else {
      lines.push(`jitgate/nginx: not measured (nginx not installed). ${cpuLine}.`);
    }
    const rss = info.jitgateRssMiB.after ?? Number.NaN;
    lines.push(
      '',
      `jitgate RSS: ${fixed(info.jitgateRssMiB.idle ?? Number.NaN, 0)} MiB before the load, ` +
        `${fixed(rss, 0)} MiB after it (design ≤ ${BUDGET.rssMiB} MiB ${verdict(rss <= BUDGET.rssMiB)}; ` +
        'the child runs TypeScript through tsx and hosts the demo IdP).',
    );
  }
  for (const m of measured) {
    if (m.result.non2xx > 0 || m.result.errors > 0) {
      info.notes.push(
        `${m.name}: ${m.result.non2xx} non-2xx answers and ${m.result.errors} socket errors ` +
          `out of ${m.result.requests} requests; its numbers are not valid.`,
      );
    }
  }
  for (const note of info.notes) lines.push('', `Note: ${note}`);
  return lines.join('\n') + '\n';
}
