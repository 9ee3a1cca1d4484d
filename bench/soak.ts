/**
 * `npm run bench -- --soak 10m`: jitgate under steady open-loop load (BENCH_RATE req/s) with
 * WebSocket churn for the given time, printing its RSS every BENCH_SOAK_EVERY seconds. Flat
 * means the peak of the last quarter is within 10% of the first quarter's (soak-growth.ts).
 * Then jitgate idles for a minute and its RSS after the load is read, as the bench's row of that
 * name is (read after the rows that follow jitgate's, a minute later): V8 hands back what the load
 * left only once its memory reducer sees the process idle (~20-25 s here). Both go to
 * bench/results/soak.md, the range under the load beside them.
 */
import { join } from 'node:path';
import { exited, startChild } from './children.js';
import { decisive, GOALS } from './goals.js';
import { BENCH_PATH } from './login.js';
import { runOpenLoop } from './open-loop.js';
import type { BenchOptions } from './options.js';
import { rssMiB } from './proc-cpu.js';
import { fixed, markdownTable } from './report-format.js';
import { FLAT_GROWTH, soakGrowth, type SoakSample } from './soak-growth.js';
import { startStack } from './stack.js';
import { REPO_ROOT } from './ts-child.js';

const WS_PARALLEL = 8;
const WS_MESSAGES = 10;
/** How long jitgate idles after the load before its RSS after the load is read. */
const IDLE_SECONDS = 60;
const IDLE_SAMPLE_EVERY = 10;
const underGoal = (rss: number) => rss <= GOALS.rssMiB;
const isFlat = (growth: number) => growth <= FLAT_GROWTH;

export async function runSoak(tmp: string, options: BenchOptions, progress: (msg: string) => void) {
  const seconds = Math.ceil((options.soakMs ?? 0) / 1000);
  const stack = await startStack(tmp, options.proxyNodeArgs, progress, { ssh: false });
  const pid = stack.jitgate.pid;
  const url = `http://127.0.0.1:${stack.jitgate.port}`;
  const churn = startChild(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'ws-churn-child.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        BENCH_WS_CHURN: JSON.stringify({
          url: `${url.replace('http', 'ws')}/ws`,
          headers: stack.appHeaders,
          parallel: WS_PARALLEL,
          seconds,
          messages: WS_MESSAGES,
        }),
      },
    },
  );
  let churnOutput = '';
  churn.stdout?.on('data', (chunk: Buffer) => (churnOutput += chunk.toString()));
  const samples: SoakSample[] = [{ seconds: 0, rssMiB: rssMiB(pid) ?? Number.NaN }];
  progress(
    `soak: ${seconds} s at ${options.rate} req/s with ${WS_PARALLEL} WebSockets churning; RSS ${fixed(samples[0]?.rssMiB ?? NaN, 0)} MiB`,
  );
  const started = Date.now();
  const timer = setInterval(() => {
    const sample = {
      seconds: Math.round((Date.now() - started) / 1000),
      rssMiB: rssMiB(pid) ?? Number.NaN,
    };
    samples.push(sample);
    progress(`soak: ${sample.seconds} s RSS ${fixed(sample.rssMiB, 0)} MiB`);
  }, options.soakEverySeconds * 1000);
  const load = await runOpenLoop(
    { url: url + BENCH_PATH, headers: stack.appHeaders },
    options.rate,
    seconds,
  ).finally(() => clearInterval(timer));
  await exited(churn);
  const end = { seconds: Math.round((Date.now() - started) / 1000), rssMiB: rssMiB(pid) ?? NaN };
  // The timer's last sample may fall in the same second: one row for it, the reading after.
  if (samples[samples.length - 1]?.seconds === end.seconds) samples.pop();
  samples.push(end);
  const idle = await idleSamples(pid, progress);
  await stack.ssh?.close();
  const growth = soakGrowth(samples);
  const underLoad = samples.slice(1).map((s) => s.rssMiB);
  const afterLoad = idle[idle.length - 1]?.rssMiB ?? Number.NaN;
  const flat = isFlat(growth);
  const lines = [
    '# Soak: latest run',
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${seconds} s at ${options.rate} req/s open loop ` +
      `(${load.completed} answered, ${load.non2xx + load.errors + load.unfinished} failed; p99 ${fixed(load.latencyMs.p99, 2)} ms), ` +
      `${WS_PARALLEL} WebSockets churning (${churnOutput.trim() || 'no summary'}).`,
    '',
    ...markdownTable(
      ['seconds', 'jitgate RSS MiB'],
      samples.map((s) => [String(s.seconds), fixed(s.rssMiB, 0)]),
      [true, true],
    ),
    '',
    `Under the load: ${fixed(Math.min(...underLoad), 0)}–${fixed(Math.max(...underLoad), 0)} MiB, ` +
      `${fixed(end.rssMiB, 0)} MiB as it stopped. Then idle: ` +
      idle.map((s) => `+${s.seconds} s ${fixed(s.rssMiB, 0)}`).join(', ') +
      ' MiB.',
    '',
    `RSS after the load (${IDLE_SECONDS} s idle) ${decisive(afterLoad, 0, underGoal)} MiB (≤ ${GOALS.rssMiB} ${underGoal(afterLoad) ? '**pass**' : '**fail**'}); ` +
      `last quarter's peak / first quarter's: ${decisive(growth, 2, isFlat)} (flat ≤ ${FLAT_GROWTH.toFixed(2)} ${flat ? '**pass**' : '**fail**'}).`,
  ];
  return lines.join('\n') + '\n';
}

/** RSS every IDLE_SAMPLE_EVERY seconds while jitgate idles after the load; seconds since it ended. */
async function idleSamples(pid: number, progress: (msg: string) => void): Promise<SoakSample[]> {
  const idle: SoakSample[] = [];
  for (let at = IDLE_SAMPLE_EVERY; at <= IDLE_SECONDS; at += IDLE_SAMPLE_EVERY) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_EVERY * 1000));
    idle.push({ seconds: at, rssMiB: rssMiB(pid) ?? Number.NaN });
    progress(`soak: idle +${at} s RSS ${fixed(idle[idle.length - 1]?.rssMiB ?? NaN, 0)} MiB`);
  }
  return idle;
}
