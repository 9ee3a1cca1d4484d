/**
 * The results as Markdown (bench/results/latest.md, the README's copy): the web rows, latency at a
 * fixed rate with its plot, memory, terminals, scale of state, and the goals of issue #19 with a
 * verdict each. Pure: results in, text out.
 */
import { judgeGoals } from './goals.js';
import { fixed, markdownTable, spreadCell } from './report-format.js';
import { processesLine } from './report-processes.js';
import type { BenchResults } from './results.js';
import { REPORTED_PERCENTILES, spread } from './stats.js';
import { summarizeWeb, type WebSummary } from './summary.js';

export const PLOT_FILE = 'latency.svg';

function webSection(results: BenchResults, rows: WebSummary[]): string[] {
  const { info } = results;
  const header = ['target', 'req/s', '% of nginx', 'CPU µs/req', '× floor CPU', '× Apache CPU'];
  const table = rows.map((w) => [
    w.name,
    spreadCell(w.rps, 0),
    spreadCell(w.percentOfNginx, 0),
    spreadCell(w.cpuUs, 0),
    spreadCell(w.cpuVsFloor, 2),
    spreadCell(w.cpuVsApache, 2),
  ]);
  const latency = rows.map((w) => [
    w.name,
    ...REPORTED_PERCENTILES.map((p) => spreadCell(w.latency[`p${p}`], 2)),
    w.role === 'direct' ? '—' : spreadCell(w.addedP50, 2),
    w.role === 'direct' ? '—' : spreadCell(w.addedP99, 2),
  ]);
  const percentHeads = REPORTED_PERCENTILES.map((p) => (p === 100 ? 'max' : `p${p}`));
  return [
    '## Web requests',
    '',
    `Closed loop: ${info.generator}, ${info.warmupSeconds} s warm-up then ${info.seconds} s per ` +
      'target, GET /bench answering 1 KiB on keep-alive. CPU is utime + stime of the processes ' +
      'under test per request; ratios are taken within each run' +
      (info.runs > 1 ? `; median (min–max) of ${info.runs} runs.` : '.'),
    '',
    ...markdownTable(header, table, [false, true, true, true, true, true]),
    ...processesLine(rows),
    '',
    `Open loop at a fixed ${info.rate} req/s for ${info.seconds} s (64 connections; latency from ` +
      'each request’s intended send time, so queueing is not hidden), ms:',
    '',
    ...markdownTable(['target', ...percentHeads, 'added p50', 'added p99'], latency, [
      false,
      ...percentHeads.map(() => true),
      true,
      true,
    ]),
    '',
    `![Latency percentiles per target at ${info.rate} req/s](${PLOT_FILE})`,
  ];
}

function memoryLine(results: BenchResults): string[] {
  const rss = results.web?.jitgateRssMiB;
  if (!rss) return [];
  return [
    '',
    `jitgate RSS (started as \`jitgate serve\` is, the IdP in its own process): ${fixed(rss.before, 0)} MiB ` +
      `logged in before the load, ${fixed(rss.after, 0)} MiB after it: ${fixed(rss.afterAnon, 0)} MiB ` +
      `anonymous (JS heap, native allocations) and ${fixed(rss.afterFile, 0)} MiB file-backed (the ` +
      'node binary and libraries, shared with other node processes).',
  ];
}

function terminalSection(results: BenchResults): string[] {
  const t = results.terminals;
  if (t === undefined) return [];
  if (typeof t === 'string') return ['', '## Terminals', '', `Skipped: ${t}.`];
  const withRange = (path: typeof t.direct) =>
    spreadCell(spread(path.rounds.map((bps) => bps / 2 ** 20)), 1);
  const rows = [
    [
      `\`cat\` of ${t.fileMiB} MiB, MiB/s (median of ${t.relay.rounds.length} alternated rounds, range)`,
      withRange(t.direct),
      withRange(t.relay),
      `${fixed((100 * t.relay.bytesPerSecond) / t.direct.bytesPerSecond, 0)}%`,
    ],
    [
      'keystroke echo p50, ms',
      fixed(t.direct.echoMs.p50, 2),
      fixed(t.relay.echoMs.p50, 2),
      `+${fixed(t.relay.echoMs.p50 - t.direct.echoMs.p50, 2)}`,
    ],
    [
      'keystroke echo p99, ms',
      fixed(t.direct.echoMs.p99, 2),
      fixed(t.relay.echoMs.p99, 2),
      `+${fixed(t.relay.echoMs.p99 - t.direct.echoMs.p99, 2)}`,
    ],
  ];
  const i = t.idle;
  return [
    '',
    '## Terminals',
    '',
    'The recorded relay (terminal WebSocket → jitgate → OpenSSH client in a pty → sshd) against the same client straight to the same sshd.',
    '',
    ...markdownTable(['measure', 'direct SSH', 'jitgate relay', 'relay vs direct'], rows, [
      false,
      true,
      true,
      true,
    ]),
    '',
    `${i.sessions} concurrent idle sessions (through a fresh jitgate of their own): jitgate ${fixed(i.jitgateRssBeforeMiB, 0)} → ` +
      `${fixed(i.jitgateRssAfterMiB, 0)} MiB RSS, ${fixed(i.jitgateKiBPerSession, 0)} KiB per session in ` +
      `jitgate itself, plus ${fixed(i.sshClientKiBPerSession, 0)} KiB (PSS) per session in its OpenSSH client process.`,
  ];
}

function scaleSection(results: BenchResults): string[] {
  const s = results.scale;
  if (!s) return [];
  const row = (label: string, c: typeof s.small) => [
    label,
    fixed(c.rssStartMiB, 0),
    fixed(c.rssCachedMiB, 0),
    fixed(c.closed.rps, 0),
    fixed(c.cpuUsPerRequest, 0),
  ];
  const lines = [
    '',
    '## Scale of state',
    '',
    'A fresh jitgate per case, its store seeded with people who each have a session and a live grant; ' +
      'RSS after start and once every session is cached; load from one of them. The two run side by ' +
      'side and their loads alternate (`--runs` times each; the median run is shown).',
    '',
    ...markdownTable(
      ['case', 'RSS at start MiB', 'RSS, sessions cached MiB', 'req/s', 'CPU µs/req'],
      [
        row(`${s.small.people} grant, ${s.small.people} session`, s.small),
        row(`${s.large.people} grants, ${s.large.people} sessions`, s.large),
      ],
      [false, true, true, true, true],
    ),
    '',
    `Memory: ${fixed(s.kibPerGrant, 2)} KiB per live grant, ${fixed(s.kibPerSession, 2)} KiB per cached session ` +
      '(RSS differences: a few MiB of noise spread over the count).',
  ];
  const e = s.expiry;
  if (e)
    lines.push(
      '',
      `${e.grants} grants ending in the same second, one WebSocket open under each ` +
        `(${e.openAtExpiry} open at that second): ${e.cutWithinOneSecond} cut within 1 s, ` +
        `${e.notCut} not cut. From the second to jitgate's close frame: p50 ${fixed(e.cutMs.p50, 0)} ms, ` +
        `p99 ${fixed(e.cutMs.p99, 0)} ms, last ${fixed(e.cutMs.p100, 0)} ms; to the connection fully ` +
        `closed: p50 ${fixed(e.closedMs.p50, 0)} ms, last ${fixed(e.closedMs.p100, 0)} ms.`,
    );
  return lines;
}

export function renderReport(results: BenchResults): string {
  const { info } = results;
  const web = results.web ? summarizeWeb(results.web.runs) : undefined;
  const goals = judgeGoals({
    web,
    skipped: results.web?.skipped ?? [],
    rssAfterMiB: results.web?.jitgateRssMiB.after,
    terminals: results.terminals,
    scale: results.scale,
  });
  const verdict = { pass: '**pass**', fail: '**fail**', 'not measured': 'not measured' } as const;
  const lines = [
    '# Benchmark: latest run',
    '',
    `${info.date}, ${info.machine}.`,
    '',
    '## Goals (issue #19)',
    '',
    ...markdownTable(
      ['goal', 'measured', 'verdict'],
      goals.map((g) => [g.goal, g.measured, verdict[g.verdict]]),
      [false, false, false],
    ),
    ...(web ? ['', ...webSection(results, web)] : []),
    ...memoryLine(results),
    ...terminalSection(results),
    ...scaleSection(results),
  ];
  const notes = [
    ...(results.web?.skipped ?? []).map((s) => `${s.role} row skipped: ${s.why}.`),
    ...(web ?? []).flatMap((w) => w.problems.map((p) => `${w.name}, ${p}.`)),
    ...results.notes,
  ];
  for (const note of notes) lines.push('', `Note: ${note}`);
  return lines.join('\n') + '\n';
}
