/**
 * Prepares the demo's `orders-db` when JITGATE_DEMO_PG_URL names a PostgreSQL database: an
 * `orders` table with a few rows, so a temporary role has something to read, and the cluster
 * confined the way docs/credentials.md asks of operators (PUBLIC may not connect to any database
 * nor create temporary tables), since jitgate refuses to mint roles otherwise. Idempotent.
 */
import { openPgAdmin } from '../credentials/pg-client.js';
import { DEMO_PG_ENV } from './demo-machines.js';

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

/** Resolves whether the demo database is there (false when the variable is not set). */
export async function prepareOrdersDb(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const url = env[DEMO_PG_ENV];
  if (!url) return false;
  const admin = openPgAdmin(url);
  try {
    await admin.query(SCHEMA);
    await admin.query(CONFINE_PUBLIC);
    return true;
  } finally {
    await admin.close();
  }
}
