/** PostgreSQL implementation of TerminalSessionRepository. */
import type {
  TerminalSessionRecord,
  TerminalSessionRepository,
} from '../../terminal/session-record.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { Where } from './params.js';
import { int, optionalInt, optionalText, text } from './rows.js';

function toSession(row: PgRow): TerminalSessionRecord {
  return {
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    resourceId: text(row, 'resource_id'),
    login: text(row, 'login'),
    grantId: text(row, 'grant_id'),
    via: text(row, 'via') as TerminalSessionRecord['via'],
    startedAt: int(row, 'started_at'),
    endedAt: optionalInt(row, 'ended_at'),
    endReason: optionalText(row, 'end_reason'),
    state: text(row, 'state') as TerminalSessionRecord['state'],
    recordingState: text(row, 'recording_state') as TerminalSessionRecord['recordingState'],
    recording: optionalText(row, 'recording'),
    checksum: optionalText(row, 'checksum'),
    bytes: optionalInt(row, 'bytes'),
    instance: optionalText(row, 'instance'),
  };
}

export function createTerminalSessionRepository(db: PgDatabase): TerminalSessionRepository {
  return {
    insert: async (s) => {
      await db.run(
        `INSERT INTO terminal_sessions (id, user_id, resource_id, login, grant_id, via, started_at,
           ended_at, end_reason, state, recording_state, recording, checksum, bytes, instance)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          s.id,
          s.userId,
          s.resourceId,
          s.login,
          s.grantId,
          s.via,
          s.startedAt,
          s.endedAt,
          s.endReason,
          s.state,
          s.recordingState,
          s.recording,
          s.checksum,
          s.bytes,
          s.instance,
        ],
      );
    },
    // The UPDATE decides who ends a session: a second end (another replica) finds it ended.
    end: async (id, end) => {
      const row = await db.get(
        `UPDATE terminal_sessions SET state = 'ended', ended_at = $2, end_reason = $3,
           recording_state = $4, checksum = $5, bytes = $6 WHERE id = $1 AND state = 'live'
         RETURNING *`,
        [id, end.endedAt, end.endReason, end.recordingState, end.checksum, end.bytes],
      );
      return row ? toSession(row) : undefined;
    },
    get: async (id) => {
      const row = await db.get('SELECT * FROM terminal_sessions WHERE id = $1', [id]);
      return row ? toSession(row) : undefined;
    },
    liveOf: async (instance) =>
      (
        await db.all(
          `SELECT * FROM terminal_sessions
             WHERE state = 'live' AND (instance = $1 OR instance IS NULL)`,
          [instance],
        )
      ).map(toSession),
    list: async (filter) => {
      const where = new Where();
      if (filter.userIds) {
        if (filter.userIds.length === 0) return [];
        where.add('user_id = ANY(?)', [...filter.userIds]);
      }
      where
        .add('resource_id = ?', filter.resourceId)
        .add('started_at >= ?', filter.from)
        .add('started_at < ?', filter.to)
        .add('state = ?', filter.state)
        .add('started_at < ?', filter.beforeStartedAt);
      const limit = where.params.add(filter.limit);
      const rows = await db.all(
        `SELECT * FROM terminal_sessions ${where.sql}
           ORDER BY started_at DESC, id DESC LIMIT ${limit}`,
        where.params.values,
      );
      return rows.map(toSession);
    },
  };
}
