/**
 * `npm run bench`: the direct upstream, nginx (when installed) and jitgate side by side in one
 * run, each loaded by the same client, printing req/s, CPU per request and latency with the
 * ratios to nginx; the table also goes to bench/results/latest.md.
 *   BENCH_SECONDS=N            seconds per target (default 10), after a 2 s warm-up
 *   BENCH_LOADGEN=node         use the built-in Node load generator even when wrk is installed
 *   BENCH_SKIP_NGINX=1         leave nginx out
 *   BENCH_PROXY_NODE_ARGS=...  extra node flags for the jitgate child (e.g. --cpu-prof)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllNow, stopAll } from './children.js';
import { findExecutable, type LoadGenerator, type LoadTarget } from './load.js';
import { appSessionCookie, BENCH_PATH, checkTarget } from './login.js';
import { findNginx, startNginx } from './nginx.js';
import { nodeGenerator } from './node-load.js';
import { CLK_TCK, rssMiB, totalCpuTicks } from './proc-cpu.js';
import { renderReport, type Measured } from './report.js';
import { REPO_ROOT, startJitgate, startUpstream } from './targets.js';
import { wrkGenerator } from './wrk.js';

const WARMUP_SECONDS = 2;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
if (!Number.isInteger(seconds) || seconds < 1) {
  console.error(
    `BENCH_SECONDS must be a whole number of seconds ≥ 1, not "${process.env.BENCH_SECONDS}"`,
  );
  process.exit(2);
}

interface Target {
  name: string;
  role: Measured['role'];
  load: LoadTarget;
  pids: () => number[];
}

const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const tmp = mkdtempSync(join(tmpdir(), 'jitgate-bench-'));

let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= stopAll().finally(() => rmSync(tmp, { recursive: true, force: true })));
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
  const wrk = process.env.BENCH_LOADGEN === 'node' ? undefined : findExecutable('wrk');
  if (wrk) return wrkGenerator(wrk);
  notes.push('wrk was not used; the built-in Node generator shares the CPU with the servers.');
  return nodeGenerator;
}

async function startTargets(notes: string[]): Promise<{ targets: Target[]; jitgatePid: number }> {
  const upstream = await startUpstream();
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const targets: Target[] = [
    {
      name: 'direct upstream (node:http)',
      role: 'direct',
      load: { url: upstreamUrl + BENCH_PATH, headers: {} },
      pids: () => [upstream.pid],
    },
  ];
  const nginxBinary = process.env.BENCH_SKIP_NGINX ? undefined : findNginx();
  if (nginxBinary) {
    const dir = join(tmp, 'nginx');
    mkdirSync(dir);
    const nginx = await startNginx(nginxBinary, dir, upstream.port);
    const version = /nginx\/([\w.]+)/.exec(
      spawnSync(nginxBinary, ['-v'], { encoding: 'utf8' }).stderr,
    );
    targets.push({
      name: `nginx ${version?.[1] ?? ''} (1 worker)`.replace('  ', ' '),
      role: 'nginx',
      load: { url: `http://127.0.0.1:${nginx.port}${BENCH_PATH}`, headers: {} },
      pids: () => nginx.workerPids,
    });
  } else {
    notes.push('nginx is not installed (or BENCH_SKIP_NGINX is set): no nginx baseline.');
  }
  const stateDir = join(tmp, 'state');
  const jitgate = await startJitgate(upstreamUrl, stateDir);
  const cookie = await appSessionCookie(jitgate.port, stateDir);
  targets.push({
    name: 'jitgate (session + grant + headers)',
    role: 'jitgate',
    load: {
      url: `http://127.0.0.1:${jitgate.port}${BENCH_PATH}`,
      headers: { Host: `payroll.localhost:${jitgate.port}`, Cookie: cookie },
    },
    pids: () => [jitgate.pid],
  });
  return { targets, jitgatePid: jitgate.pid };
}

async function measure(target: Target, generator: LoadGenerator): Promise<Measured> {
  await checkTarget(target.load.url, target.load.headers);
  progress(`${target.name}: ${WARMUP_SECONDS} s warm-up, then ${seconds} s`);
  await generator.run(target.load, WARMUP_SECONDS);
  const before = totalCpuTicks(target.pids());
  const result = await generator.run(target.load, seconds);
  const ticks = totalCpuTicks(target.pids()) - before;
  const cpuUsPerRequest = result.requests > 0 ? ((ticks / CLK_TCK) * 1e6) / result.requests : NaN;
  progress(
    `${target.name}: ${result.rps.toFixed(0)} req/s, ${cpuUsPerRequest.toFixed(0)} µs CPU/req`,
  );
  return { name: target.name, role: target.role, result, cpuUsPerRequest };
}

async function main() {
  const notes: string[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  const generator = chooseGenerator(notes);
  const { targets, jitgatePid } = await startTargets(notes);
  const idleRss = rssMiB(jitgatePid);
  const measured: Measured[] = [];
  for (const target of targets) measured.push(await measure(target, generator));
  const report = renderReport(measured, {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine:
      `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, ` +
      `load average ${loadBefore.toFixed(1)} before the run`,
    generator: generator.name,
    seconds,
    warmupSeconds: WARMUP_SECONDS,
    notes,
    jitgateRssMiB: { idle: idleRss, after: rssMiB(jitgatePid) },
  });
  process.stdout.write('\n' + report);
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'bench', 'results', 'latest.md'), report);
}

try {
  await main();
} catch (error) {
  if (!cleaning) console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
