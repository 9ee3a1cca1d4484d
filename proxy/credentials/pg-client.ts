/**
 * The only importer of `pg`: admin connections to the databases jitgate mints roles in. One
 * small pool per resource, opened on first use (the admin URL is read then, so a rotated secret
 * is picked up by a restart, and a database that is down at start-up stops nothing else).
 * Connection errors are rewritten without the URL: it holds the admin password.
 */
import pg from 'pg';

export type SqlValue = string | number | boolean | null;
export type SqlRow = Record<string, unknown>;

export interface PgAdmin {
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  close(): Promise<void>;
}

export class PgUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`database unavailable: ${reason}`);
    this.name = 'PgUnavailable';
  }
}

/** A message about the failure that never carries the connection string or a password. */
function reasonOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return error instanceof Error ? error.name : 'unknown error';
}

/** Opens a pool for `url`, on `database` when given (roles' grants are per database). */
export function openPgAdmin(url: string, database?: string): PgAdmin {
  const pool = new pg.Pool({
    connectionString: url,
    ...(database ? { database } : {}),
    max: 2,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: 'jitgate',
  });
  // An idle client dying (server restart) must not crash the proxy; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    async query(sql, params = []) {
      try {
        const result = await pool.query(sql, [...params]);
        return result.rows as SqlRow[];
      } catch (error) {
        // Server errors (a failed GRANT) keep their SQLSTATE and message; they hold no secret.
        if (error instanceof pg.DatabaseError) throw error;
        throw new PgUnavailable(reasonOf(error));
      }
    },
    close: () => pool.end(),
  };
}

/** Whether `error` is a server-side SQL error with this SQLSTATE. */
export const isSqlState = (error: unknown, code: string) =>
  error instanceof pg.DatabaseError && error.code === code;

/** The SQLSTATE and message of a server error, for logs (never includes parameters). */
export function sqlErrorText(error: unknown): string {
  if (error instanceof pg.DatabaseError) return `${error.code ?? '?'}: ${error.message}`;
  if (error instanceof PgUnavailable) return error.message;
  return reasonOf(error);
}
