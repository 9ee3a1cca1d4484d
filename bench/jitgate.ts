/**
 * The jitgate under test: `jitgate serve --config FILE` as a deployment runs it (bin/jitgate.mjs,
 * its shebang's node flags and environment, the compiled CLI) in its own process, so its CPU time
 * and RSS are its own; the IdP runs elsewhere (idp-child.ts).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startChild } from './children.js';
import type { BenchConfig } from './jitgate-config.js';
import { JITGATE_BIN, shippedLaunch } from './launch.js';
import { rawRequest } from '../test/support/http-client.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunningJitgate {
  pid: number;
  port: number;
  /** The portal origin, http://localhost:PORT. */
  url: string;
  stateDir: string;
  child: ChildProcess;
}

export async function startJitgateChild(
  label: string,
  dir: string,
  config: BenchConfig,
  nodeArgs: readonly string[] = [],
  /** More environment (the PostgreSQL URL a config's storage.postgres.urlEnv names). */
  extraEnv: Record<string, string> = {},
): Promise<RunningJitgate> {
  const file = join(dir, `${label}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  // PORT would win over the config's port; JITGATE_FROM_SOURCE would skip the compiled CLI.
  const { PORT: _port, JITGATE_FROM_SOURCE: _source, ...env } = process.env;
  const launch = shippedLaunch();
  const child = startChild(
    process.execPath,
    [...launch.nodeArgs, ...nodeArgs, JITGATE_BIN, 'serve', '--config', file],
    { env: { ...env, ...launch.env, ...extraEnv } },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // What V8's tracing flags print (BENCH_PROXY_NODE_ARGS=--trace-gc-nvp) goes to stdout.
  const outputFile = process.env.BENCH_PROXY_OUTPUT;
  if (outputFile) {
    const append = (chunk: Buffer) => appendFileSync(`${outputFile}.${label}`, chunk);
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
  }
  const port = config.server.port;
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    const health = await rawRequest(`${url}/healthz`).catch(() => undefined);
    if (health?.status === 200 && child.pid !== undefined)
      return { pid: child.pid, port, url, stateDir: config.state.dir, child };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${label} did not become healthy:\n${output}`);
}

/** SIGTERM, then waits for it to exit (SIGKILL after `graceMs`). */
export async function stopJitgate(running: RunningJitgate, graceMs = 10_000): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}
