/**
 * The demo's `orders-db`: where its admin URL comes from, and the database behind it. The
 * PostgreSQL named by JITGATE_DEMO_PG_URL when set; else, when PostgreSQL is installed, a private
 * cluster the demo starts (like its sshd) and stops; else none, and the banner says why. The
 * database gets an `orders` table with a few rows, so a temporary role has something to read.
 * The cluster is confined the way docs/credentials.md asks of operators (PUBLIC may not connect to
 * any database nor create temporary tables), since jitgate refuses to mint roles otherwise.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openPgAdmin } from '../credentials/pg-client.js';
import type { Logger } from '../shared/logger.js';
import { DEMO_PG_ENV } from './demo-machines.js';
import { startDemoPostgres, type DemoPostgres } from './demo-postgres.js';
import { PostgresNotInstalled } from './postgres-cluster.js';

/** The database the demo's own cluster holds the orders in. */
const ORDERS_DATABASE = 'orders';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS public.orders (
    id serial PRIMARY KEY,
    item text NOT NULL,
    quantity integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  INSERT INTO public.orders (item, quantity)
    SELECT item, quantity FROM (VALUES ('widget', 3), ('gadget', 1)) AS seed (item, quantity)
    WHERE NOT EXISTS (SELECT 1 FROM public.orders)`;

/** What docs/credentials.md asks operators to run once per database of the cluster. */
const CONFINE_PUBLIC = `
  DO $$
  DECLARE db text;
  BEGIN
    FOR db IN SELECT datname FROM pg_database WHERE datallowconn LOOP
      EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', db);
    END LOOP;
  END $$`;

export interface OrdersDb {
  /** Where the orders-db resource reads its admin URL. */
  adminUrl: { env: string } | { file: string };
  database: string;
  /** Whether temporary roles can be minted; if not, what is missing and how to add it. */
  ready: boolean;
  /** One line for the banner. */
  summary: string;
  close(): Promise<void>;
}

export interface OrdersDbOptions {
  stateDir: string;
  log: Logger;
  /** Start a private cluster when JITGATE_DEMO_PG_URL is not set (tests that need none: false). */
  startCluster: boolean;
  env?: NodeJS.ProcessEnv;
}

const databaseOf = (url: string) =>
  decodeURIComponent(URL.parse(url)?.pathname.slice(1) ?? '') || 'postgres';

async function prepare(url: string): Promise<void> {
  const admin = openPgAdmin(url);
  try {
    await admin.query(SCHEMA);
    await admin.query(CONFINE_PUBLIC);
  } finally {
    await admin.close();
  }
}

export async function setUpOrdersDb(options: OrdersDbOptions): Promise<OrdersDb> {
  const env = options.env ?? process.env;
  const given = env[DEMO_PG_ENV]?.trim();
  const none = (summary: string): OrdersDb => ({
    adminUrl: { env: DEMO_PG_ENV },
    database: 'postgres',
    ready: false,
    summary,
    close: async () => undefined,
  });
  if (given) {
    await prepare(given);
    return {
      adminUrl: { env: DEMO_PG_ENV },
      database: databaseOf(given),
      ready: true,
      summary: `PostgreSQL from ${DEMO_PG_ENV}`,
      close: async () => undefined,
    };
  }
  if (!options.startCluster) return none(`no database (set ${DEMO_PG_ENV})`);
  let cluster: DemoPostgres;
  try {
    cluster = await startDemoPostgres(options.stateDir, ORDERS_DATABASE);
  } catch (error) {
    if (error instanceof PostgresNotInstalled) {
      options.log.info('demo orders-db skipped: PostgreSQL is not installed');
      return none(
        `not available: PostgreSQL is not installed (apt-get install postgresql, then restart; or set ${DEMO_PG_ENV})`,
      );
    }
    options.log.warn('demo orders-db skipped: PostgreSQL did not start', { error });
    const why = error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
    return none(`not available: PostgreSQL did not start (${why})`);
  }
  // The resource reads its admin URL from a file, as a deployment might; never from our env.
  const file = join(options.stateDir, 'demo-postgres-admin-url');
  try {
    writeFileSync(file, cluster.url + '\n', { mode: 0o600 });
    await prepare(cluster.url);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return {
    adminUrl: { file },
    database: ORDERS_DATABASE,
    ready: true,
    summary: `a private PostgreSQL on ${cluster.host}:${cluster.port}, stopped with the demo`,
    async close() {
      rmSync(file, { force: true });
      await cluster.stop();
    },
  };
}
