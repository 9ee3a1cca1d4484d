/**
 * The web rows, in the order they are measured: each starts its server (or says why it is
 * skipped) and says where the load goes and which processes' CPU counts. The rows on PostgreSQL
 * (one worker per core; two replicas behind nginx) are in jitgate-pg-rows.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apacheMissing, startApache } from './apache.js';
import { apacheSessionCookie } from './apache-login.js';
import type { LoadTarget } from './load.js';
import { BENCH_PATH, checkTarget } from './login.js';
import { jitgateReplicas, jitgateWorkers } from './jitgate-pg-rows.js';
import { findNginx, startNginx } from './nginx.js';
import type { BenchOptions } from './options.js';
import type { Stack } from './stack.js';
import { startFloor } from './ts-child.js';

export type Role =
  'direct' | 'nginx' | 'floor' | 'apache' | 'jitgate' | 'jitgate-workers' | 'jitgate-replicas';

export interface WebTarget {
  role: Role;
  name: string;
  load: LoadTarget;
  /** The processes whose CPU time is this row's (read at measuring time: workers come late). */
  pids: () => number[];
  /** Rows on PostgreSQL: the transactions their database has run so far. */
  storeTransactions?: () => Promise<number>;
}

export interface TargetSpec {
  role: Role;
  /** Returns the running target, or why this row is skipped in this run. */
  start(stack: Stack, options: BenchOptions): Promise<WebTarget | string>;
}

const local = (port: number, headers: Record<string, string> = {}): LoadTarget => ({
  url: `http://127.0.0.1:${port}${BENCH_PATH}`,
  headers,
});

const direct: TargetSpec = {
  role: 'direct',
  start: async (stack) => ({
    role: 'direct',
    name: 'direct upstream (node:http)',
    load: local(stack.upstream.port),
    pids: () => [stack.upstream.pid],
  }),
};

const nginx: TargetSpec = {
  role: 'nginx',
  async start(stack, options) {
    const binary = options.skipNginx ? undefined : findNginx();
    if (!binary) return options.skipNginx ? 'BENCH_SKIP_NGINX is set' : 'nginx is not installed';
    const dir = join(stack.tmp, 'nginx');
    mkdirSync(dir);
    const running = await startNginx(binary, dir, stack.upstream.port);
    const version = /nginx\/([\w.]+)/.exec(spawnSync(binary, ['-v'], { encoding: 'utf8' }).stderr);
    return {
      role: 'nginx',
      name: `nginx ${version?.[1] ?? ''} (1 worker)`.replace('  ', ' '),
      load: local(running.port),
      pids: () => running.workerPids,
    };
  },
};

const floor: TargetSpec = {
  role: 'floor',
  async start(stack) {
    const running = await startFloor(stack.upstreamUrl);
    return {
      role: 'floor',
      name: 'Node floor (node:http + undici, no auth)',
      load: local(running.port),
      pids: () => [running.pid],
    };
  },
};

const apache: TargetSpec = {
  role: 'apache',
  async start(stack, options) {
    const missing = options.skipApache ? 'BENCH_SKIP_APACHE is set' : apacheMissing();
    if (missing) return missing;
    const dir = join(stack.tmp, 'apache');
    mkdirSync(dir);
    const running = await startApache({
      dir,
      port: stack.apache.port,
      upstreamUrl: stack.upstreamUrl,
      issuer: stack.issuer,
      clientId: stack.apache.client.clientId,
      clientSecret: stack.apache.client.clientSecret,
    });
    const cookie = await apacheSessionCookie(running.port);
    return {
      role: 'apache',
      name: 'Apache + mod_auth_openidc (1 process)',
      load: local(running.port, { Host: `localhost:${running.port}`, Cookie: cookie }),
      pids: running.pids,
    };
  },
};

const jitgate: TargetSpec = {
  role: 'jitgate',
  start: async (stack) => ({
    role: 'jitgate',
    name: 'jitgate (session + grant + headers + trail)',
    load: local(stack.jitgate.port, stack.appHeaders),
    pids: () => [stack.jitgate.pid],
  }),
};

export const TARGETS: readonly TargetSpec[] = [
  direct,
  nginx,
  floor,
  apache,
  jitgate,
  jitgateWorkers,
  jitgateReplicas,
];

/** Starts every row; a row that cannot start is skipped with its reason, never silently. */
export async function startTargets(
  stack: Stack,
  options: BenchOptions,
  progress: (msg: string) => void,
): Promise<{ targets: WebTarget[]; skipped: { role: Role; why: string }[] }> {
  const targets: WebTarget[] = [];
  const skipped: { role: Role; why: string }[] = [];
  for (const spec of TARGETS) {
    const started = await spec.start(stack, options);
    if (typeof started === 'string') {
      progress(`${spec.role}: skipped (${started})`);
      skipped.push({ role: spec.role, why: started });
      continue;
    }
    await checkTarget(started.load.url, started.load.headers);
    targets.push(started);
  }
  return { targets, skipped };
}
