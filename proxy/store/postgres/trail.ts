/** PostgreSQL implementation of TrailRepository. */
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
import type { PgRow, PgValue } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { Where } from './params.js';
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
/** Rows per INSERT: one round trip per chunk, well under PostgreSQL's 65535 parameters. */
const CHUNK = 500;

const values = (r: TrailWrite): PgValue[] => [
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

function insertStatement(rows: number): string {
  const tuples = Array.from(
    { length: rows },
    (_, row) =>
      `(${COLUMNS.map((_, column) => `$${row * COLUMNS.length + column + 1}`).join(', ')})`,
  );
  return `INSERT INTO trail_requests (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`;
}

/**
 * A long exchange's row: a new one at its start, the same one (by key) at its end. One statement
 * per row: a multi-row upsert may not touch one row twice, and a batch can hold both writes.
 */
const UPSERT = `INSERT INTO trail_requests (${COLUMNS.join(', ')}, instance, open_seq)
  VALUES (${Array.from({ length: COLUMNS.length + 2 }, (_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (instance, open_seq) WHERE open_seq IS NOT NULL
  DO UPDATE SET ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`;

function toRecord(row: PgRow): StoredTrailRecord {
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

function whereOf(filter: TrailFilter & { grantId?: string }, page?: TrailPage): Where {
  const where = new Where().add('grant_id = ?', filter.grantId);
  if (filter.userIds !== undefined) {
    // Through the person's grants, as in SQLite: the trail needs no index of its own by person.
    if (filter.userIds.length === 0) where.never();
    else
      where.add('grant_id IN (SELECT id FROM grants WHERE user_id = ANY(?))', [...filter.userIds]);
  }
  where
    .add('resource_id = ?', filter.resourceId)
    .add('method = ?', filter.method)
    .add(`path LIKE ? ESCAPE '\\'`, filter.pathContains && likeText(filter.pathContains))
    .add('status >= ?', filter.statusMin)
    .add('status <= ?', filter.statusMax)
    .add('time >= ?', filter.from)
    .add('time < ?', filter.to);
  const { after, before } = page ?? {};
  if (after) where.add('(time, id) > (?, ?)', after.time, after.id);
  if (before) where.add('(time, id) < (?, ?)', before.time, before.id);
  return where;
}

export function createTrailRepository(db: PgDatabase): TrailRepository {
  const list = async (filter: TrailFilter & { grantId?: string }, page: TrailPage) => {
    const where = whereOf(filter, page);
    const order = page.order === 'desc' ? 'DESC' : 'ASC';
    const limit = where.params.add(Math.max(1, Math.min(Math.floor(page.limit), 10_000)));
    const rows = await db.all(
      `SELECT * FROM trail_requests ${where.sql} ORDER BY time ${order}, id ${order} LIMIT ${limit}`,
      where.params.values,
    );
    return rows.map(toRecord);
  };

  return {
    insertMany: async (records) => {
      if (records.length === 0) return;
      await db.transaction(async () => {
        // In order: plain rows in chunks, each long exchange's write where it falls between them.
        let plain: TrailWrite[] = [];
        const flush = async () => {
          for (let start = 0; start < plain.length; start += CHUNK) {
            const chunk = plain.slice(start, start + CHUNK);
            await db.run(insertStatement(chunk.length), chunk.flatMap(values));
          }
          plain = [];
        };
        for (const record of records) {
          const { open } = record;
          if (!open) {
            plain.push(record);
            continue;
          }
          await flush();
          await db.run(UPSERT, [...values(record), open.instance, open.seq]);
        }
        await flush();
      });
    },
    markCrashed: (instance, aliveAt) =>
      db.run(
        `UPDATE trail_requests SET ended = 'crashed', duration_ms = GREATEST(0, $1 - time)
           WHERE instance = $2 AND open_seq IS NOT NULL AND ended = 'open'`,
        [aliveAt, instance],
      ),
    byGrant: (grantId, filter, page) => list({ ...filter, grantId }, page),
    search: (filter, page) => list(filter, page),
    count: async (filter) => {
      const where = whereOf(filter);
      const row = await db.get(
        `SELECT count(*) AS n FROM trail_requests ${where.sql}`,
        where.params.values,
      );
      return int(row ?? { n: 0 }, 'n');
    },
    deleteOlderThan: async (resourceId, before, limit) =>
      db.run(
        `DELETE FROM trail_requests WHERE id IN (SELECT id FROM trail_requests
           WHERE resource_id = $1 AND time < $2 ORDER BY time, id LIMIT $3)`,
        [resourceId, before, Math.max(1, Math.floor(limit))],
      ),
  };
}
