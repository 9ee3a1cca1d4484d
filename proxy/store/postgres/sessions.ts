/** PostgreSQL implementation of SessionRepository. */
import type { SessionRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { int, text } from './rows.js';

export function createSessionRepository(db: PgDatabase): SessionRepository {
  return {
    get: async (id) => {
      const row = await db.get('SELECT * FROM sessions WHERE id = $1', [id]);
      return row
        ? { id: text(row, 'id'), data: text(row, 'data'), expiresAt: int(row, 'expires_at') }
        : undefined;
    },
    create: async (s) =>
      (await db.run(
        'INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
        [s.id, s.data, s.expiresAt],
      )) === 1,
    update: async (s, now) =>
      (await db.run(
        'UPDATE sessions SET data = $2, expires_at = $3 WHERE id = $1 AND expires_at > $4',
        [s.id, s.data, s.expiresAt, now],
      )) === 1,
    destroy: async (id) => {
      await db.run('DELETE FROM sessions WHERE id = $1', [id]);
    },
    touch: async (id, expiresAt, now) => {
      await db.run('UPDATE sessions SET expires_at = $2 WHERE id = $1 AND expires_at > $3', [
        id,
        expiresAt,
        now,
      ]);
    },
    purgeExpired: async (now) => db.run('DELETE FROM sessions WHERE expires_at <= $1', [now]),
  };
}
