/**
 * The only importer of better-sqlite3: opens the database with the pragmas jitgate relies on
 * (WAL for concurrent readers, full sync so a grant written is a grant kept).
 */
import Database from 'better-sqlite3';

export type SqlValue = string | number | bigint | null;
export type SqlRow = Record<string, SqlValue>;

export interface SqliteDatabase {
  run(sql: string, params?: readonly SqlValue[]): { changes: number };
  get(sql: string, params?: readonly SqlValue[]): SqlRow | undefined;
  all(sql: string, params?: readonly SqlValue[]): SqlRow[];
  exec(sql: string): void;
  /**
   * Runs `work` in one transaction that holds the write lock from its start (BEGIN IMMEDIATE; a
   * savepoint inside a transaction already open). A deferred one that reads and then writes could
   * not wait for another connection's write (the write thread's, an offline command's): SQLite
   * fails its upgrade at once with SQLITE_BUSY instead of applying busy_timeout.
   */
  transaction<T>(work: () => T): T;
  /**
   * Whether a transaction is open. SQLite ends one by itself on some errors (SQLITE_FULL,
   * SQLITE_IOERR, SQLITE_NOMEM): a ROLLBACK after those fails and must not be sent.
   */
  readonly inTransaction: boolean;
  close(): void;
}

/**
 * Page cache per connection, KiB: SQLite's own default. better-sqlite3 builds SQLite with 16 MB,
 * which only held memory here: the hot path reads state from memory, not SQLite, and the write
 * thread only appends trail rows, yet its cache filled to 16 MiB of pages it never read again
 * (heaptrack after the bench's load). Every connection has one, so the bound is per connection.
 */
export const PAGE_CACHE_KIB = 2000;

export function openSqlite(path: string): SqliteDatabase {
  const db = new Database(path);
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    run: (sql, params = []) => ({ changes: prepare(sql).run(...params).changes }),
    get: (sql, params = []) => prepare(sql).get(...params) as SqlRow | undefined,
    all: (sql, params = []) => prepare(sql).all(...params) as SqlRow[],
    exec: (sql) => void db.exec(sql),
    transaction: <T>(work: () => T): T => db.transaction(work).immediate(),
    get inTransaction() {
      return db.inTransaction;
    },
    close: () => db.close(),
  };
}
