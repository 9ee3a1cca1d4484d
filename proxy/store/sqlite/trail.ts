/** SQLite implementation of TrailRepository. */
import type {
  StoredTrailRecord,
  TrailBody,
  TrailEnd,
  TrailKind,
} from '../../../recorder/trail/index.js';
import type {
  TrailFilter,
  TrailPage,
  TrailRepository,
  TrailWrite,
} from '../../trail/trail-repository.js';
import type { SqlRow, SqliteDatabase, SqlValue } from './database.js';
import { int, optionalText, text } from './rows.js';

const COLUMNS = [
  'time',
  'grant_id',
  'user_id',
  'resource_id',
  'kind',
  'method',
  'path',
  'query',
  'status',
  'bytes_in',
  'bytes_out',
  'duration_ms',
  'upstream',
  'client_address',
  'user_agent',
  'ws_messages_in',
  'ws_messages_out',
  'body_json',
  'ended',
];
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
// One row per statement: measured cheaper than multi-row VALUES, whose parameter arrays cost more
// to build than the statement calls they save.
const INSERT = `INSERT INTO trail_requests (${COLUMNS.join(', ')}) VALUES (${marks(COLUMNS.length)})`;
/** A long exchange's row: a new one at its start, the same one (by key) at its end. */
const UPSERT = `INSERT INTO trail_requests (${COLUMNS.join(', ')}, instance, open_seq)
  VALUES (${marks(COLUMNS.length + 2)})
  ON CONFLICT (instance, open_seq) WHERE open_seq IS NOT NULL
  DO UPDATE SET ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`;

const values = (r: TrailWrite): SqlValue[] => [
  r.time,
  r.grantId,
  r.userId,
  r.resourceId,
  r.kind,
  r.method,
  r.path,
  r.query,
  r.status,
  r.bytesIn,
  r.bytesOut,
  r.durationMs,
  r.upstream,
  r.clientAddress,
  r.userAgent,
  r.wsMessagesIn,
  r.wsMessagesOut,
  r.body ? JSON.stringify(r.body) : null,
  r.ended,
];

function toRecord(row: SqlRow): StoredTrailRecord {
  const body = optionalText(row, 'body_json');
  return {
    id: int(row, 'id'),
    time: int(row, 'time'),
    grantId: text(row, 'grant_id'),
    userId: text(row, 'user_id'),
    resourceId: text(row, 'resource_id'),
    kind: text(row, 'kind') as TrailKind,
    method: text(row, 'method'),
    path: text(row, 'path'),
    query: text(row, 'query'),
    status: int(row, 'status'),
    bytesIn: int(row, 'bytes_in'),
    bytesOut: int(row, 'bytes_out'),
    durationMs: int(row, 'duration_ms'),
    upstream: text(row, 'upstream'),
    clientAddress: text(row, 'client_address'),
    userAgent: text(row, 'user_agent'),
    wsMessagesIn: int(row, 'ws_messages_in'),
    wsMessagesOut: int(row, 'ws_messages_out'),
    ended: text(row, 'ended') as TrailEnd,
    ...(body === null ? {} : { body: JSON.parse(body) as TrailBody }),
  };
}

/** `%`, `_` and the escape itself are literal in a path substring. */
const likeText = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function whereClause(filter: TrailFilter & { grantId?: string }, page?: TrailPage) {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: (SqlValue | undefined)[]) => {
    if (values.some((v) => v === undefined)) return;
    where.push(clause);
    params.push(...(values as SqlValue[]));
  };
  add('grant_id = ?', filter.grantId);
  if (filter.userIds !== undefined) {
    // Through the person's grants: the grants index answers it, and the trail needs no index of
    // its own by person (a grant's rows all belong to the grant's holder).
    const marks = filter.userIds.map(() => '?').join(', ');
    if (filter.userIds.length === 0) where.push('0');
    else add(`grant_id IN (SELECT id FROM grants WHERE user_id IN (${marks}))`, ...filter.userIds);
  }
  add('resource_id = ?', filter.resourceId);
  add('method = ?', filter.method);
  add(`path LIKE ? ESCAPE '\\'`, filter.pathContains && likeText(filter.pathContains));
  add('status >= ?', filter.statusMin);
  add('status <= ?', filter.statusMax);
  add('time >= ?', filter.from);
  add('time < ?', filter.to);
  const { after, before } = page ?? {};
  if (after) add('(time, id) > (?, ?)', after.time, after.id);
  if (before) add('(time, id) < (?, ?)', before.time, before.id);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

export function createTrailRepository(db: SqliteDatabase): TrailRepository {
  const list = (filter: TrailFilter & { grantId?: string }, page: TrailPage) => {
    const { sql, params } = whereClause(filter, page);
    const order = page.order === 'desc' ? 'DESC' : 'ASC';
    const orderBy = `ORDER BY time ${order}, id ${order}`;
    const limit = Math.max(1, Math.min(Math.floor(page.limit), 10_000));
    return db
      .all(`SELECT * FROM trail_requests ${sql} ${orderBy} LIMIT ?`, [...params, limit])
      .map(toRecord);
  };

  return {
    insertMany: async (records) => {
      if (records.length === 0) return;
      db.transaction(() => {
        for (const record of records) {
          const { open } = record;
          if (open) db.run(UPSERT, [...values(record), open.instance, open.seq]);
          else db.run(INSERT, values(record));
        }
      });
    },
    markCrashed: async (instance, aliveAt) =>
      db.run(
        `UPDATE trail_requests SET ended = 'crashed', duration_ms = max(0, ? - time)
           WHERE instance = ? AND open_seq IS NOT NULL AND ended = 'open'`,
        [aliveAt, instance],
      ).changes,
    byGrant: async (grantId, filter, page) => list({ ...filter, grantId }, page),
    search: async (filter, page) => list(filter, page),
    count: async (filter) => {
      const { sql, params } = whereClause(filter);
      return int(db.get(`SELECT count(*) AS n FROM trail_requests ${sql}`, params) ?? {}, 'n');
    },
    deleteOlderThan: async (resourceId, before, limit) =>
      db.run(
        `DELETE FROM trail_requests WHERE id IN (SELECT id FROM trail_requests
           WHERE resource_id = ? AND time < ? LIMIT ?)`,
        [resourceId, before, Math.max(1, Math.floor(limit))],
      ).changes,
  };
}
