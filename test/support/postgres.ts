/**
 * A real PostgreSQL for tests: the server named by JITGATE_TEST_PG_URL (a superuser URL; each
 * test run gets its own database), or a private cluster on a random loopback port in a temporary
 * folder (proxy/demo/postgres-cluster.ts, the same one the demo starts behind orders-db). Nothing
 * is skipped: if PostgreSQL cannot be started, this throws and says why.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  PostgresNotInstalled,
  postgresBinDir as installedBinDir,
  startPostgresCluster,
} from '../../proxy/demo/postgres-cluster.js';

export interface TestPostgres {
  /** Superuser URL of the test database. */
  adminUrl: string;
  database: string;
  host: string;
  port: number;
  /** Runs SQL as the superuser on the test database. */
  query(sql: string, params?: unknown[]): Promise<pg.QueryResultRow[]>;
  /**
   * A new database owned by a new login role (no superuser), for one suite or one store; resolves
   * its URL. Dropped with the cluster.
   */
  createDatabase(): Promise<string>;
  /** A client connected as `user` (the test closes it). */
  connectAs(user: string, password: string): Promise<pg.Client>;
  /**
   * Stops the server (every connection drops) and resolves a function that starts it again on
   * the same port and data. Only for the private cluster: a server named by JITGATE_TEST_PG_URL
   * is not ours to stop.
   */
  stopServer(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

/** The folder holding initdb/psql; throws (with what to install) when there is none. */
export function postgresBinDir(): string {
  const bin = installedBinDir();
  if (bin) return bin;
  throw new Error(
    `${new PostgresNotInstalled().message} (apt-get install postgresql, or set JITGATE_TEST_PG_URL)`,
  );
}

interface Cluster {
  url: string;
  stop(): Promise<void>;
  stopServer?(): Promise<() => Promise<void>>;
}

async function startCluster(): Promise<Cluster> {
  postgresBinDir(); // says what to install before anything else fails
  return startPostgresCluster();
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env.JITGATE_TEST_PG_URL;
  const cluster: Cluster = given
    ? { url: given, stop: async () => undefined }
    : await startCluster();
  const database = `jg_test_${Math.random().toString(36).slice(2, 10)}`;
  const root = new pg.Client({ connectionString: cluster.url });
  await root.connect();
  await root.query(`CREATE DATABASE ${database}`);
  await root.end();
  const base = new URL(cluster.url);
  base.pathname = `/${database}`;
  const adminUrl = base.href;
  const admin = new pg.Pool({ connectionString: adminUrl, max: 2 });
  admin.on('error', () => undefined); // idle clients die when a test restarts the server
  const created: string[] = [];
  return {
    adminUrl,
    database,
    host: base.hostname,
    port: Number(base.port) || 5432,
    query: async (sql, params = []) => (await admin.query<pg.QueryResultRow>(sql, params)).rows,
    async createDatabase() {
      const name = `jg_store_${randomBytes(6).toString('hex')}`;
      const password = randomBytes(12).toString('hex');
      // CREATE DATABASE cannot run in a transaction: one statement per query.
      await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
      await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
      created.push(name);
      const url = new URL(cluster.url);
      url.username = name;
      url.password = password;
      url.pathname = `/${name}`;
      return url.href;
    },
    async connectAs(user, password) {
      const client = new pg.Client({
        host: base.hostname,
        port: Number(base.port) || 5432,
        user,
        password,
        database,
      });
      client.on('error', () => undefined); // a terminated backend is what some tests expect
      await client.connect();
      return client;
    },
    async stopServer() {
      if (!cluster.stopServer)
        throw new Error('JITGATE_TEST_PG_URL names a server these tests may not stop');
      return cluster.stopServer();
    },
    async stop() {
      await admin.end();
      if (given) {
        const cleanup = new pg.Client({ connectionString: cluster.url });
        await cleanup.connect();
        for (const name of [...created, database])
          await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        for (const name of created) await cleanup.query(`DROP ROLE IF EXISTS ${name}`);
        await cleanup.end();
      }
      await cluster.stop();
    },
  };
}

/** `psql` from Debian's postgresql-client, for the CLI end-to-end test. */
export function psqlPath(): string {
  const bin = postgresBinDir();
  if (existsSync(join(bin, 'psql'))) return join(bin, 'psql');
  return execFileSync('sh', ['-c', 'command -v psql'], { encoding: 'utf8' }).trim();
}
