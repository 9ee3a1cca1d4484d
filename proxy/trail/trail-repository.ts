/**
 * The trail's persistence contract, which every store backend implements. Rows are written in
 * batches by the trail writer and read by auditors; only retention deletes them.
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

export interface TrailRepository {
  /** Writes every record in one transaction: all or none. */
  insertMany(records: readonly TrailRecord[]): Promise<void>;
  /** One grant's rows matching `filter`. */
  byGrant(grantId: string, filter: TrailFilter, page: TrailPage): Promise<StoredTrailRecord[]>;
  /** Rows across all grants. */
  search(filter: TrailFilter, page: TrailPage): Promise<StoredTrailRecord[]>;
  count(filter: TrailFilter & { grantId?: string }): Promise<number>;
  /** Deletes at most `limit` rows of the resource older than `before`; returns how many. */
  deleteOlderThan(resourceId: string, before: number, limit: number): Promise<number>;
}
