/**
 * The only importer of `pg`. The PostgreSQL store and the credential minter both talk to
 * PostgreSQL through these few shapes: a pool, a connection checked out of it for a transaction,
 * and a dedicated connection outside any pool (for LISTEN). Errors that are not the server's
 * answer to a statement become PgUnavailable, whose text never carries the connection string.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

/*
 * pg is loaded when a pool or connection is first opened: a gate on SQLite with no PostgreSQL
 * resource never needs it, and loading it held a few MiB resident in every such process.
 */
const requireCommonJs = createRequire(import.meta.url);
let loaded: typeof pg | undefined;
const driver = (): typeof pg => (loaded ??= requireCommonJs('pg') as typeof pg);
/** A server error answering a statement; none exists before pg is loaded. */
const isDatabaseError = (error: unknown): error is pg.DatabaseError =>
  loaded !== undefined && error instanceof loaded.DatabaseError;

export type PgValue =
  | string
  | number
  | boolean
  | null
  | readonly string[]
  | readonly number[]
  /** Sent as a binary parameter (bytea), never as text. */
  | Buffer;
export type PgRow = Record<string, unknown>;

export interface PgResult {
  rows: PgRow[];
  rowCount: number;
  /** The command tag: INSERT, UPDATE, COMMIT, and ROLLBACK for a COMMIT of a failed transaction. */
  command: string;
}

export interface PgQueryable {
  query(sql: string, params?: readonly PgValue[]): Promise<PgResult>;
}

/** One connection checked out of a pool; release it exactly once. */
export interface PgSession extends PgQueryable {
  /** `broken`: the connection may be in an unknown state; it is closed, not reused. */
  release(broken?: boolean): void;
}

/** A connection of its own, outside any pool: the place for LISTEN. */
export interface PgConnection extends PgQueryable {
  /** Called for every NOTIFY on a channel this connection LISTENs to. */
  onNotification(handler: (channel: string, payload: string) => void): void;
  /** Called once when the connection ends or fails; it is not reopened. */
  onEnd(handler: (error: PgUnavailable | undefined) => void): void;
  close(): Promise<void>;
}

export interface PgPool extends PgQueryable {
  connect(): Promise<PgSession>;
  /** A new connection with the pool's settings that the pool does not count or reuse. */
  dedicated(): Promise<PgConnection>;
  end(): Promise<void>;
}

export interface PgOptions {
  url: string;
  /** Connects to this database instead of the URL's. */
  database?: string;
  max?: number;
  connectTimeoutMs?: number;
  /** Server-side limit for one statement (waiting for a lock included). */
  statementTimeoutMs?: number;
  /** Server-side limit for a transaction left idle: a stuck holder cannot block others forever. */
  idleInTransactionTimeoutMs?: number;
  idleTimeoutMs?: number;
  applicationName?: string;
}

export class PgUnavailable extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`database unavailable: ${reason}`, options);
    this.name = 'PgUnavailable';
  }
}

/** A word about a connection failure that never carries the connection string or a password. */
function reasonOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  if (error instanceof Error && /timeout/i.test(error.message)) return 'timeout';
  if (error instanceof Error && /terminated/i.test(error.message)) return 'connection terminated';
  return error instanceof Error ? error.name : 'unknown error';
}

/** Server errors (a failed constraint) pass as they are; anything else is PgUnavailable. */
function translate(error: unknown): unknown {
  if (isDatabaseError(error) || error instanceof PgUnavailable) return error;
  // The cause is kept for stack traces but reduced to its name: pg's connection errors can quote
  // the host and user, never the password, yet logs should not need to reason about that.
  return new PgUnavailable(reasonOf(error));
}

function clientConfig(options: PgOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    ...(options.database ? { database: options.database } : {}),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.idleInTransactionTimeoutMs
      ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs }
      : {}),
    application_name: options.applicationName ?? 'jitgate',
    keepAlive: true,
  };
}

const resultOf = (result: pg.QueryResult): PgResult => ({
  rows: result.rows as PgRow[],
  rowCount: result.rowCount ?? 0,
  command: result.command,
});

async function run(
  target: pg.Pool | pg.ClientBase,
  sql: string,
  params: readonly PgValue[],
): Promise<PgResult> {
  try {
    return resultOf(await target.query(sql, [...params]));
  } catch (error) {
    throw translate(error);
  }
}

export function openPgPool(options: PgOptions): PgPool {
  const pool = new (driver().Pool)({
    ...clientConfig(options),
    max: options.max ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
  });
  // An idle client dying (server restart) must not crash the proxy; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    query: (sql, params = []) => run(pool, sql, params),
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw translate(error);
      }
      // A checked-out client has no listener of the pool's: without this, a backend dying
      // between two statements of a transaction would be an uncaught 'error' event.
      let failed = false;
      const onError = () => {
        failed = true;
      };
      client.on('error', onError);
      let released = false;
      return {
        query: (sql, params = []) => run(client, sql, params),
        release(broken = false) {
          if (released) return;
          released = true;
          client.removeListener('error', onError);
          client.release(broken || failed ? true : undefined);
        },
      };
    },
    dedicated: () => openPgConnection(options),
    end: () => pool.end(),
  };
}

export async function openPgConnection(options: PgOptions): Promise<PgConnection> {
  const client = new (driver().Client)(clientConfig(options));
  const endHandlers: ((error: PgUnavailable | undefined) => void)[] = [];
  let ended = false;
  const end = (error: unknown) => {
    if (ended) return;
    ended = true;
    const reason = error === undefined ? undefined : new PgUnavailable(reasonOf(error));
    for (const handler of endHandlers) handler(reason);
  };
  client.on('error', end);
  client.on('end', () => end(undefined));
  try {
    await client.connect();
  } catch (error) {
    ended = true;
    throw translate(error);
  }
  return {
    query: (sql, params = []) => run(client, sql, params),
    onNotification(handler) {
      client.on('notification', (message) => handler(message.channel, message.payload ?? ''));
    },
    onEnd(handler) {
      endHandlers.push(handler);
    },
    close: () => client.end(),
  };
}

/** The SQLSTATE of a server error, or undefined for anything else. */
export const sqlStateOf = (error: unknown): string | undefined =>
  isDatabaseError(error) ? error.code : undefined;

/** Whether `error` is a server-side SQL error with this SQLSTATE. */
export const isSqlState = (error: unknown, code: string) => sqlStateOf(error) === code;

/** The SQLSTATE and message of a server error, for logs (never includes parameters). */
export function sqlErrorText(error: unknown): string {
  if (isDatabaseError(error)) return `${error.code ?? '?'}: ${error.message}`;
  if (error instanceof PgUnavailable) return error.message;
  return reasonOf(error);
}
