/**
 * The trail's persistence contract, which every store backend implements. Rows are written in
 * batches by the trail writer and read by auditors; only retention deletes them. A long exchange
 * (a WebSocket, a download) is written when it opens and written again when it ends: the second
 * write replaces the first, found by its key. Rows left `open` by a crash are marked `crashed`
 * by the next start of the process that wrote them.
 */
import type { StoredTrailRecord, TrailRecord } from '../../recorder/trail/index.js';

export interface TrailFilter {
  /** Any of these people (user ids); an empty list matches nobody. */
  userIds?: readonly string[];
  resourceId?: string;
  method?: string;
  /** Case-sensitive substring of the path. */
  pathContains?: string;
  /** Status range, inclusive: 404–404 for one status, 400–499 for "4xx". */
  statusMin?: number;
  statusMax?: number;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

/**
 * A place in time order. Rows are ordered by when the exchange started, not by when its row was
 * written (a long download or a WebSocket is written when it ends): `time`, then `id` for ties.
 */
export interface TrailCursor {
  time: number;
  id: number;
}

export interface TrailPage {
  /** Only rows after (asc) or before (desc) this place. */
  after?: TrailCursor;
  before?: TrailCursor;
  /** `asc` (default): in the order they happened. */
  order?: 'asc' | 'desc';
  limit: number;
}

/** Cursors as text in URLs and API answers: "<time>-<id>". */
export const cursorText = (row: TrailCursor) => `${row.time}-${row.id}`;

export function parseCursor(text: string): TrailCursor | undefined {
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(text);
  return match ? { time: Number(match[1]), id: Number(match[2]) } : undefined;
}

/**
 * The key of a long exchange's row: the process that wrote it (its instance id) and a number that
 * process gave it. Unique among rows that have one.
 */
export interface OpenRowKey {
  instance: string;
  seq: number;
}

/** A row as written: with `open` when it is (or was) a long exchange's row. */
export interface TrailWrite extends TrailRecord {
  open?: OpenRowKey;
}

export interface TrailRepository {
  /**
   * Writes every record in one transaction: all or none, in order. A record with `open` replaces
   * the row with the same key, if there is one (its end after its start); else it is a new row.
   * It is its own transaction: never call it inside `atomic()` (SQLite writes trail batches on a
   * connection of their own, which would wait for that transaction to end).
   */
  insertMany(records: readonly TrailWrite[]): Promise<void>;
  /**
   * Rows `instance` wrote `open` and never ended become `crashed`, their duration running to
   * `aliveAt` (never below 0); returns how many. Only that instance's: another process may be
   * alive and still writing its own.
   */
  markCrashed(instance: string, aliveAt: number): Promise<number>;
  /** One grant's rows matching `filter`. */
  byGrant(grantId: string, filter: TrailFilter, page: TrailPage): Promise<StoredTrailRecord[]>;
  /** Rows across all grants. */
  search(filter: TrailFilter, page: TrailPage): Promise<StoredTrailRecord[]>;
  count(filter: TrailFilter & { grantId?: string }): Promise<number>;
  /** Deletes at most `limit` rows of the resource older than `before`; returns how many. */
  deleteOlderThan(resourceId: string, before: number, limit: number): Promise<number>;
}
