/**
 * `npm run bench`: every row of issue #19 in one run. The web rows (direct upstream, nginx, the
 * Node floor, Apache + mod_auth_openidc, jitgate, jitgate with a worker per core and two
 * replicas behind nginx, both on PostgreSQL) loaded by
 * the same closed-loop client and then at a fixed open-loop rate; the terminal relay against
 * direct SSH; the scale of state. Writes bench/results/latest.md and latency.svg; prints the
 * report. `npm run bench:readme` copies it into the README. Options: see options.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllNow, stopAll } from './children.js';
import { stopBenchPostgres } from './jitgate-pg-rows.js';
import { findExecutable, type LoadGenerator } from './load.js';
import { nodeGenerator } from './node-load.js';
import { OptionError, parseBenchOptions, SECTIONS, type BenchOptions } from './options.js';
import { latencyPlot } from './plot.js';
import { rssMiB, rssParts } from './proc-cpu.js';
import { PLOT_FILE, renderReport } from './report.js';
import type { BenchResults, WebResults } from './results.js';
import { measureScale } from './scale.js';
import { runSoak } from './soak.js';
import { startStack, type Stack } from './stack.js';
import { startTargets } from './targets.js';
import { measureTerminals } from './terminal-bench.js';
import { REPO_ROOT } from './ts-child.js';
import { measureWeb, WARMUP_SECONDS } from './web.js';
import { wrkGenerator } from './wrk.js';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof OptionError)) throw error;
  console.error(`bench: ${error.message} (see bench/options.ts)`);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), 'jitgate-bench-'));
let stack: Stack | undefined;
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await stack?.ssh?.close();
    await stopAll();
    await stopBenchPostgres();
    rmSync(tmp, { recursive: true, force: true });
  })());
process.on('exit', killAllNow);
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(code));
  });
}

function chooseGenerator(notes: string[]): LoadGenerator {
  const wrk = options.nodeLoadgen ? undefined : findExecutable('wrk');
  if (wrk) return wrkGenerator(wrk);
  notes.push('wrk was not used; the built-in Node generator shares the CPU with the servers.');
  return nodeGenerator;
}

async function web(running: Stack, generator: LoadGenerator): Promise<WebResults> {
  const { targets, skipped } = await startTargets(running, options, progress);
  const before = rssMiB(running.jitgate.pid) ?? Number.NaN;
  const runs = [];
  for (let run = 1; run <= options.runs; run++) {
    if (options.runs > 1) progress(`run ${run} of ${options.runs}`);
    runs.push(await measureWeb(targets, generator, options, progress));
  }
  const after = rssMiB(running.jitgate.pid) ?? Number.NaN;
  const parts = rssParts(running.jitgate.pid);
  return {
    runs,
    skipped,
    jitgateRssMiB: {
      before,
      after,
      afterAnon: parts?.anonMiB ?? Number.NaN,
      afterFile: parts?.fileMiB ?? Number.NaN,
    },
  };
}

async function measureAll(): Promise<BenchResults> {
  const notes: string[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  const generator = chooseGenerator(notes);
  const wants = (section: BenchOptions['sections'][number]) => options.sections.includes(section);
  stack = await startStack(tmp, options.proxyNodeArgs, progress, { ssh: wants('terminals') });
  const results: BenchResults = {
    info: {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      machine:
        `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, ` +
        `load average ${loadBefore.toFixed(1)} before the run`,
      generator: generator.name,
      seconds: options.seconds,
      warmupSeconds: WARMUP_SECONDS,
      rate: options.rate,
      runs: options.runs,
    },
    web: wants('web') ? await web(stack, generator) : undefined,
    terminals: wants('terminals') ? await measureTerminals(stack, options, progress) : undefined,
    scale: wants('scale') ? await measureScale(stack, generator, options, progress) : undefined,
    notes,
  };
  if (options.sections.length < SECTIONS.length)
    notes.push(`only these sections ran: ${options.sections.join(', ')}.`);
  return results;
}

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (options.soakMs !== undefined) {
    const report = await runSoak(tmp, options, progress);
    process.stdout.write('\n' + report);
    writeFileSync(join(RESULTS_DIR, 'soak.md'), report);
    return;
  }
  const results = await measureAll();
  const report = renderReport(results);
  process.stdout.write('\n' + report);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), report);
  const plot = latencyPlot(results);
  if (plot) writeFileSync(join(RESULTS_DIR, PLOT_FILE), plot);
  progress('wrote bench/results/latest.md; `npm run bench:readme` copies it into the README');
}

try {
  await main();
} catch (error) {
  if (!cleaning) console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
