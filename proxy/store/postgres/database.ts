/**
 * The PostgreSQL store's connection to its database: a pool for single statements, and
 * transactions on one pooled connection. The transaction in progress is carried by
 * AsyncLocalStorage, so every statement issued while `work` runs (however deeply it awaits) goes
 * to that connection, and a statement issued after the transaction ended is refused rather than
 * run on its own. A nested transaction is a savepoint of the outer one.
 *
 * Connection failures, timeouts and a server shutting down become 503 store_unavailable: the
 * caller fails closed and says so.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { JitgateError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import {
  openPgPool,
  PgUnavailable,
  sqlStateOf,
  type PgConnection,
  type PgOptions,
  type PgResult,
  type PgRow,
  type PgSession,
  type PgValue,
} from '../../shared/pg-driver.js';
import type { LockKey } from './lock-keys.js';

export interface PgDatabase {
  /** Runs one statement: in the current transaction when there is one, else on the pool. */
  query(sql: string, params?: readonly PgValue[]): Promise<PgResult>;
  all(sql: string, params?: readonly PgValue[]): Promise<PgRow[]>;
  get(sql: string, params?: readonly PgValue[]): Promise<PgRow | undefined>;
  /** Runs a statement; resolves how many rows it changed. */
  run(sql: string, params?: readonly PgValue[]): Promise<number>;
  /**
   * Runs `work` in one transaction (READ COMMITTED) holding the advisory lock `lock` when given.
   * Inside another transaction it is a savepoint of that one (the lock is then the outer's).
   */
  transaction<T>(work: () => Promise<T>, lock?: LockKey): Promise<T>;
  /** Whether the caller runs inside a transaction of this database. */
  inTransaction(): boolean;
  /** A pooled connection of its own, for work that spans transactions (migrations). */
  session(): Promise<PgSession>;
  /** A connection outside the pool, for LISTEN; the caller closes it. */
  dedicated(): Promise<PgConnection>;
  close(): Promise<void>;
}

interface Transaction {
  session: PgSession;
  /** False once COMMIT or ROLLBACK was sent: later statements are refused. */
  open: boolean;
  /** The first statement's failure: the transaction can only roll back after it. */
  failure: Error | undefined;
  savepoints: number;
}

/** SQLSTATE classes that mean "the database cannot serve now", not "this statement is wrong". */
const UNAVAILABLE_CLASSES = ['08', '53', '57'];

const isUnavailable = (error: unknown): boolean =>
  error instanceof PgUnavailable ||
  (error instanceof JitgateError && error.code === 'store_unavailable') ||
  UNAVAILABLE_CLASSES.includes(sqlStateOf(error)?.slice(0, 2) ?? '');

function unavailable(error: unknown): unknown {
  if (error instanceof JitgateError || !isUnavailable(error)) return error;
  return new JitgateError(503, 'store_unavailable', 'the store cannot be reached', {
    cause: error,
  });
}

/** `log` hears what cannot be thrown: a ROLLBACK that failed after the error that caused it. */
export function openPgDatabase(options: PgOptions, log: Logger = silentLogger): PgDatabase {
  const pool = openPgPool(options);
  const current = new AsyncLocalStorage<Transaction>();

  async function inTransaction(tx: Transaction, sql: string, params: readonly PgValue[]) {
    if (!tx.open) throw new Error('a store call was made after its atomic() transaction had ended');
    try {
      return await tx.session.query(sql, params);
    } catch (error) {
      tx.failure ??= error instanceof Error ? error : new Error(String(error));
      throw unavailable(error);
    }
  }

  async function query(sql: string, params: readonly PgValue[] = []): Promise<PgResult> {
    const tx = current.getStore();
    if (tx) return inTransaction(tx, sql, params);
    try {
      return await pool.query(sql, params);
    } catch (error) {
      throw unavailable(error);
    }
  }

  async function savepoint<T>(tx: Transaction, work: () => Promise<T>): Promise<T> {
    const name = `jitgate_${++tx.savepoints}`;
    await inTransaction(tx, `SAVEPOINT ${name}`, []);
    try {
      const result = await work();
      if (tx.failure !== undefined) throw tx.failure;
      await inTransaction(tx, `RELEASE SAVEPOINT ${name}`, []);
      return result;
    } catch (error) {
      if (tx.open) {
        // The outer transaction goes on without this part. Should even that fail, the outer one
        // cannot commit. Either way the original error is the one thrown.
        const before = tx.failure;
        tx.failure = undefined;
        try {
          await tx.session.query(`ROLLBACK TO SAVEPOINT ${name}`);
        } catch (rollback) {
          tx.failure =
            before ?? (rollback instanceof Error ? rollback : new Error('rollback failed'));
        }
      }
      throw error;
    }
  }

  async function transaction<T>(work: () => Promise<T>, lock?: LockKey): Promise<T> {
    const outer = current.getStore();
    if (outer) return savepoint(outer, work);
    let session: PgSession;
    try {
      session = await pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
    const tx: Transaction = { session, open: true, failure: undefined, savepoints: 0 };
    let begun = false;
    let broken = false;
    try {
      await inTransaction(tx, 'BEGIN', []);
      begun = true;
      if (lock) await inTransaction(tx, 'SELECT pg_advisory_xact_lock($1, $2)', lock);
      const result = await current.run(tx, work);
      // A statement failed and `work` carried on: PostgreSQL has already aborted the
      // transaction, and answering as if it committed would lose writes silently.
      if (tx.failure !== undefined) throw tx.failure;
      // Once COMMIT is sent the transaction is over, whatever the answer: never roll back then.
      begun = false;
      tx.open = false;
      const commit = await session.query('COMMIT');
      if (commit.command !== 'COMMIT') throw new Error('the transaction was rolled back at commit');
      return result;
    } catch (error) {
      tx.open = false;
      broken = isUnavailable(error) || isUnavailable(tx.failure);
      if (begun) {
        try {
          await session.query('ROLLBACK');
        } catch (rollback) {
          // The connection is gone or unusable; it is closed below. The original error wins,
          // and the log hears both.
          broken = true;
          log.error('store rollback failed', { error: rollback as Error, cause: error as Error });
        }
      }
      throw unavailable(error);
    } finally {
      session.release(broken);
    }
  }

  return {
    query,
    all: async (sql, params) => (await query(sql, params)).rows,
    get: async (sql, params) => (await query(sql, params)).rows[0],
    run: async (sql, params) => (await query(sql, params)).rowCount,
    transaction,
    inTransaction: () => current.getStore() !== undefined,
    async session() {
      try {
        return await pool.connect();
      } catch (error) {
        throw unavailable(error);
      }
    },
    async dedicated() {
      try {
        return await pool.dedicated();
      } catch (error) {
        throw unavailable(error);
      }
    },
    close: () => pool.end(),
  };
}
