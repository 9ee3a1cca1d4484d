/**
 * A real PostgreSQL for tests: the server named by JITGATE_TEST_PG_URL (a superuser URL; each
 * test run gets its own database), or a private cluster started here with initdb on a random
 * loopback port in a temporary folder. initdb refuses to run as root, so as root the cluster
 * runs as the `postgres` OS user (Debian's package creates it) or `nobody`. Nothing is skipped:
 * if PostgreSQL cannot be started, this throws and says why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

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
  stopServer(): Promise<() => void>;
  stop(): Promise<void>;
}

const ADMIN = 'jitgate_admin';

/** The folder holding initdb/pg_ctl: Debian keeps them off PATH, per major version. */
export function postgresBinDir(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found.replace(/\/initdb$/, '');
  throw new Error(
    'PostgreSQL is not installed: no initdb in /usr/lib/postgresql/*/bin or on PATH ' +
      '(apt-get install postgresql, or set JITGATE_TEST_PG_URL)',
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The OS user to run the cluster as, and the command prefix that switches to it. */
function runAs(): { prefix: string[]; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0)
      return {
        prefix: ['runuser', '-u', user, '--'],
        uid: Number(uid.stdout),
        gid: Number(gid.stdout),
      };
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists for initdb');
}

function run(command: string[], what: string) {
  const [file = '', ...args] = command;
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`${what} failed (${result.status}): ${result.stderr || result.stdout}`);
}

interface Cluster {
  url: string;
  stop(): void;
  stopServer?(): () => void;
}

async function startCluster(): Promise<Cluster> {
  const bin = postgresBinDir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'jitgate-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  const password = `pw${Math.random().toString(36).slice(2)}`;
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  const as = user?.prefix ?? [];
  const port = await freePort();
  // Passwords on TCP (scram), so the tests prove the minted role's password and VALID UNTIL.
  run(
    [
      ...as,
      join(bin, 'initdb'),
      '-D',
      data,
      '-U',
      ADMIN,
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ],
    'initdb',
  );
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = () =>
    run(
      [
        ...as,
        join(bin, 'pg_ctl'),
        '-D',
        data,
        '-o',
        options,
        '-l',
        join(dir, 'log'),
        '-w',
        'start',
      ],
      'pg_ctl start',
    );
  start();
  const stopServer = () => {
    run([...as, join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'], 'pg_ctl stop');
    return start;
  };
  const stop = () => {
    const [file = '', ...args] = [
      ...as,
      join(bin, 'pg_ctl'),
      '-D',
      data,
      '-m',
      'immediate',
      'stop',
    ];
    spawnSync(file, args, { timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `postgresql://${ADMIN}:${password}@127.0.0.1:${port}/postgres`, stop, stopServer };
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env.JITGATE_TEST_PG_URL;
  const cluster: Cluster = given ? { url: given, stop: () => undefined } : await startCluster();
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
      cluster.stop();
    },
  };
}

/** `psql` from Debian's postgresql-client, for the CLI end-to-end test. */
export function psqlPath(): string {
  const bin = postgresBinDir();
  if (existsSync(join(bin, 'psql'))) return join(bin, 'psql');
  return execFileSync('sh', ['-c', 'command -v psql'], { encoding: 'utf8' }).trim();
}
