/** SQLite implementation of TerminalSessionRepository. */
import type {
  TerminalSessionRecord,
  TerminalSessionRepository,
} from '../../terminal/session-record.js';
import type { SqlRow, SqlValue, SqliteDatabase } from './database.js';
import { int, optionalInt, optionalText, text } from './rows.js';

function toSession(row: SqlRow): TerminalSessionRecord {
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

export function createTerminalSessionRepository(db: SqliteDatabase): TerminalSessionRepository {
  return {
    insert: async (s) => {
      db.run(
        `INSERT INTO terminal_sessions (id, user_id, resource_id, login, grant_id, via, started_at,
           ended_at, end_reason, state, recording_state, recording, checksum, bytes, instance)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    end: async (id, end) => {
      const { changes } = db.run(
        `UPDATE terminal_sessions SET state = 'ended', ended_at = ?, end_reason = ?,
           recording_state = ?, checksum = ?, bytes = ? WHERE id = ? AND state = 'live'`,
        [end.endedAt, end.endReason, end.recordingState, end.checksum, end.bytes, id],
      );
      if (changes === 0) return undefined;
      const row = db.get('SELECT * FROM terminal_sessions WHERE id = ?', [id]);
      return row ? toSession(row) : undefined;
    },
    get: async (id) => {
      const row = db.get('SELECT * FROM terminal_sessions WHERE id = ?', [id]);
      return row ? toSession(row) : undefined;
    },
    liveOf: async (instance) =>
      db
        .all(
          `SELECT * FROM terminal_sessions
             WHERE state = 'live' AND (instance = ? OR instance IS NULL)`,
          [instance],
        )
        .map(toSession),
    list: async (filter) => {
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (filter.userIds) {
        if (filter.userIds.length === 0) return [];
        where.push(`user_id IN (${filter.userIds.map(() => '?').join(', ')})`);
        params.push(...filter.userIds);
      }
      const add = (clause: string, value: SqlValue | undefined) => {
        if (value === undefined) return;
        where.push(clause);
        params.push(value);
      };
      add('resource_id = ?', filter.resourceId);
      add('started_at >= ?', filter.from);
      add('started_at < ?', filter.to);
      add('state = ?', filter.state);
      add('started_at < ?', filter.beforeStartedAt);
      const sql = `SELECT * FROM terminal_sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY started_at DESC, id DESC LIMIT ?`;
      return db.all(sql, [...params, filter.limit]).map(toSession);
    },
  };
}
