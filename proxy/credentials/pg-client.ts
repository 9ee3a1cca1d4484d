/**
 * Admin connections to the databases jitgate mints roles in (through shared/pg-driver.ts, the
 * one importer of `pg`). One small pool per resource, opened on first use (the admin URL is read
 * then, so a rotated secret is picked up by a restart, and a database that is down at start-up
 * stops nothing else). Connection errors never carry the URL: it holds the admin password.
 */
import { openPgPool, type PgRow, type PgValue } from '../shared/pg-driver.js';

export { isSqlState, PgUnavailable, sqlErrorText } from '../shared/pg-driver.js';

export type SqlValue = PgValue;
export type SqlRow = PgRow;

export interface PgAdmin {
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  close(): Promise<void>;
}

/** Opens a pool for `url`, on `database` when given (roles' grants are per database). */
export function openPgAdmin(url: string, database?: string): PgAdmin {
  const pool = openPgPool({
    url,
    ...(database ? { database } : {}),
    max: 2,
    idleTimeoutMs: 30_000,
    connectTimeoutMs: 10_000,
  });
  return {
    // Server errors (a failed GRANT) keep their SQLSTATE and message; they hold no secret.
    query: async (sql, params = []) => (await pool.query(sql, params)).rows,
    close: () => pool.end(),
  };
}
