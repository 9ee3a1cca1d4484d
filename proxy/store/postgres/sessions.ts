/** PostgreSQL implementation of SessionRepository. */
import type { SessionRepository } from '../types.js';
import { sessionDigest } from '../change-feed.js';
import type { PgDatabase } from './database.js';
import { announced, type Announce } from './notify.js';
import { int, text } from './rows.js';

export function createSessionRepository(db: PgDatabase, announce: Announce): SessionRepository {
  return {
    get: async (id) => {
      const row = await db.get('SELECT * FROM sessions WHERE id = $1', [id]);
      return row
        ? { id: text(row, 'id'), data: text(row, 'data'), expiresAt: int(row, 'expires_at') }
        : undefined;
    },
    set: async (s) => {
      await db.run(
        `INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
        [s.id, s.data, s.expiresAt],
      );
    },
    destroy: async (id) => {
      // Other replicas drop it from their session caches (a logout is refused everywhere).
      await db.run(announced('DELETE FROM sessions WHERE id = $1 RETURNING id', 2), [
        id,
        announce({ kind: 'session', digest: sessionDigest(id) }),
      ]);
    },
    touch: async (id, expiresAt) => {
      await db.run('UPDATE sessions SET expires_at = $2 WHERE id = $1', [id, expiresAt]);
    },
    purgeExpired: async (now) => db.run('DELETE FROM sessions WHERE expires_at <= $1', [now]),
  };
}
