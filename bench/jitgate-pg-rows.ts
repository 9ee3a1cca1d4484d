/**
 * The rows of jitgate on PostgreSQL, on a private cluster of their own (the demo's
 * postgres-cluster.ts), each row in a database of its own:
 * - `jitgate-workers`: one jitgate with `server.workers: auto` (one worker per core, each a
 *   replica), the same config as the single process otherwise; its CPU is the primary's and the
 *   workers'.
 * - `jitgate-replicas`: two jitgate processes behind nginx (round robin, kept-alive upstream
 *   connections, as docs/deployment.md); its CPU is the replicas' and nginx's.
 * Both also say how many PostgreSQL transactions their database committed per proxied request
 * during the load (pg_stat_database), the measure of "no round trip per request".
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ADMIN_TOKEN_FILE } from '../proxy/api/admin-token.js';
import type { ConfigInput } from '../proxy/config/schema.js';
import {
  PostgresNotInstalled,
  startPostgresCluster,
  type PostgresCluster,
} from '../proxy/demo/postgres-cluster.js';
import { APP_HOST, benchJitgateConfig, type BenchConfig } from './jitgate-config.js';
import { startJitgateChild, type RunningJitgate } from './jitgate.js';
import type { LoadTarget } from './load.js';
import { adminGrant, appSessionCookie, BENCH_PATH, portalLogin } from './login.js';
import { findNginx, startNginx } from './nginx.js';
import type { BenchOptions } from './options.js';
import { childPids } from './proc-cpu.js';
import { freePort } from './ports.js';
import type { Stack } from './stack.js';
import type { TargetSpec, WebTarget } from './targets.js';

const URL_ENV = 'JITGATE_BENCH_PG_URL';
/** pg_stat_database is written by each backend at most once a second (PostgreSQL 15+). */
const STATS_FLUSH_MS = 1500;

let cluster: Promise<PostgresCluster> | undefined;
let admin: pg.Pool | undefined;

/** Stops the cluster if a row started it (after the jitgate processes on it have stopped). */
export async function stopBenchPostgres(): Promise<void> {
  await admin?.end().catch(() => undefined);
  await (await cluster?.catch(() => undefined))?.stop();
}

/** A new database on the bench's cluster (started on first use); its URL. */
async function database(name: string): Promise<string> {
  cluster ??= startPostgresCluster();
  const { url } = await cluster;
  admin ??= new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return dbUrl.toString();
}

/** Transactions the database committed or rolled back so far, once the backends have said. */
async function transactions(name: string): Promise<number> {
  await sleep(STATS_FLUSH_MS);
  const { rows } = await (admin as pg.Pool).query<{ n: string }>(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
    [name],
  );
  return Number(rows[0]?.n);
}

/** Why the PostgreSQL rows cannot run here, or undefined. */
async function postgresMissing(): Promise<string | undefined> {
  try {
    cluster ??= startPostgresCluster();
    await cluster;
    return undefined;
  } catch (error) {
    if (error instanceof PostgresNotInstalled) return error.message;
    throw error;
  }
}

function pgConfig(
  stack: Stack,
  port: number,
  stateDir: string,
  extra: Partial<ConfigInput['server']> & { publicPort?: number } = {},
): BenchConfig {
  const { publicPort = port, ...server } = extra;
  const base = benchJitgateConfig({
    port,
    stateDir,
    issuer: stack.issuer,
    clientId: stack.jitgateClient.clientId,
    clientSecret: stack.jitgateClient.clientSecret,
    upstreamUrl: stack.upstreamUrl,
    ssh: undefined,
  });
  return {
    ...base,
    server: { ...base.server, publicUrl: `http://localhost:${publicPort}`, ...server },
    storage: { driver: 'postgres', postgres: { urlEnv: URL_ENV } },
  };
}

/** Alice signed in at `portal`, granted payroll: the headers the load generator sends. */
async function aliceAt(portal: string, port: number, stateDir: string) {
  const browser = await portalLogin(portal);
  await adminGrant(portal, stateDir, 'alice', 'payroll');
  return { Host: `${APP_HOST}:${port}`, Cookie: await appSessionCookie(browser, port) };
}

const load = (port: number, headers: Record<string, string>): LoadTarget => ({
  url: `http://127.0.0.1:${port}${BENCH_PATH}`,
  headers,
});

export const jitgateWorkers: TargetSpec = {
  role: 'jitgate-workers',
  async start(stack, options): Promise<WebTarget | string> {
    const missing = await postgresMissing();
    if (missing) return missing;
    const url = await database('bench_workers');
    const port = stack.pgRowPorts.workers;
    const stateDir = join(stack.tmp, 'jitgate-workers');
    mkdirSync(stateDir, { recursive: true });
    const config = pgConfig(stack, port, stateDir, { workers: 'auto' });
    const primary = await startJitgateChild(
      'jitgate-workers',
      stack.tmp,
      config,
      options.proxyNodeArgs,
      {
        [URL_ENV]: url,
      },
    );
    const workers = childPids(primary.pid).length;
    return {
      role: 'jitgate-workers',
      name: `jitgate, ${workers} workers on PostgreSQL`,
      load: load(port, await aliceAt(primary.url, port, stateDir)),
      pids: () => [primary.pid, ...childPids(primary.pid)],
      storeTransactions: () => transactions('bench_workers'),
    };
  },
};

export const jitgateReplicas: TargetSpec = {
  role: 'jitgate-replicas',
  async start(stack: Stack, options: BenchOptions): Promise<WebTarget | string> {
    const binary = options.skipNginx ? undefined : findNginx();
    if (!binary) return options.skipNginx ? 'BENCH_SKIP_NGINX is set' : 'nginx is not installed';
    const missing = await postgresMissing();
    if (missing) return missing;
    const url = await database('bench_replicas');
    const port = stack.pgRowPorts.replicas;
    // What the replicas share (docs/deployment.md): the admin token and the MFA key.
    const shared = join(stack.tmp, 'jitgate-replicas');
    mkdirSync(shared, { recursive: true });
    const token = `jga_${randomBytes(32).toString('base64url')}\n`;
    const mfaKey = join(shared, 'mfa.key');
    writeFileSync(mfaKey, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    const replicas: RunningJitgate[] = [];
    // One after the other: the first runs the migrations.
    for (const name of ['a', 'b']) {
      const stateDir = join(shared, name);
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(join(stateDir, ADMIN_TOKEN_FILE), token, { mode: 0o600 });
      const config = { ...pgConfig(stack, await freePort(), stateDir, { publicPort: port }) };
      config.mfa = { encryptionKeyFile: mfaKey };
      replicas.push(
        await startJitgateChild(
          `jitgate-replica-${name}`,
          stack.tmp,
          config,
          options.proxyNodeArgs,
          {
            [URL_ENV]: url,
          },
        ),
      );
    }
    const dir = join(shared, 'nginx');
    mkdirSync(dir);
    const nginx = await startNginx(
      binary,
      dir,
      replicas.map((r) => r.port),
      port,
    );
    const portal = `http://localhost:${port}`;
    return {
      role: 'jitgate-replicas',
      name: `${replicas.length} jitgate replicas on PostgreSQL behind nginx`,
      load: load(port, await aliceAt(portal, port, join(shared, 'a'))),
      pids: () => [...replicas.map((r) => r.pid), ...nginx.workerPids],
      storeTransactions: () => transactions('bench_replicas'),
    };
  },
};
