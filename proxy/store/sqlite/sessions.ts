/** SQLite implementation of SessionRepository. */
import type { SessionRepository, SessionRow } from '../types.js';
import { sessionOwner } from '../session-owner.js';
import { int, text } from './rows.js';
import type { SqliteDatabase } from './database.js';

export function createSessionRepository(db: SqliteDatabase): SessionRepository {
  return {
    get: async (id): Promise<SessionRow | undefined> => {
      const row = db.get('SELECT * FROM sessions WHERE id = ?', [id]);
      return row
        ? { id: text(row, 'id'), data: text(row, 'data'), expiresAt: int(row, 'expires_at') }
        : undefined;
    },
    create: async (s) =>
      db.run(
        `INSERT INTO sessions (id, data, expires_at, user_id) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO NOTHING`,
        [s.id, s.data, s.expiresAt, sessionOwner(s.data)],
      ).changes === 1,
    update: async (s, now) =>
      db.run(
        'UPDATE sessions SET data = ?, expires_at = ?, user_id = ? WHERE id = ? AND expires_at > ?',
        [s.data, s.expiresAt, sessionOwner(s.data), s.id, now],
      ).changes === 1,
    destroy: async (id) => {
      db.run('DELETE FROM sessions WHERE id = ?', [id]);
    },
    touch: async (id, expiresAt, now) => {
      db.run('UPDATE sessions SET expires_at = ? WHERE id = ? AND expires_at > ?', [
        expiresAt,
        id,
        now,
      ]);
    },
    destroyByUser: async (userId) =>
      db
        .all('DELETE FROM sessions WHERE user_id = ? RETURNING id', [userId])
        .map((row) => text(row, 'id')),
    purgeExpired: async (now) =>
      db.run('DELETE FROM sessions WHERE expires_at <= ?', [now]).changes,
  };
}
