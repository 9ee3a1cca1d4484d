/** PostgreSQL implementation of SessionRepository. */
import type { SessionRepository } from '../types.js';
import { sessionDigest } from '../change-feed.js';
import type { PgDatabase } from './database.js';
import { announced, announcedSessions, sessionsPrefix, type Announce } from './notify.js';
import { sessionOwner } from '../session-owner.js';
import { int, text } from './rows.js';

export function createSessionRepository(db: PgDatabase, announce: Announce): SessionRepository {
  return {
    get: async (id) => {
      const row = await db.get('SELECT * FROM sessions WHERE id = $1', [id]);
      return row
        ? { id: text(row, 'id'), data: text(row, 'data'), expiresAt: int(row, 'expires_at') }
        : undefined;
    },
    create: async (s) =>
      (await db.run(
        `INSERT INTO sessions (id, data, expires_at, user_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO NOTHING`,
        [s.id, s.data, s.expiresAt, sessionOwner(s.data)],
      )) === 1,
    // Other replicas re-read it (whose it is, their roles): their cached copy is stale.
    update: async (s, now) =>
      (
        await db.all(
          announced(
            `UPDATE sessions SET data = $2, expires_at = $3, user_id = $5
               WHERE id = $1 AND expires_at > $4 RETURNING id`,
            6,
          ),
          [
            s.id,
            s.data,
            s.expiresAt,
            now,
            sessionOwner(s.data),
            announce({ kind: 'session', digest: sessionDigest(s.id) }),
          ],
        )
      ).length === 1,
    destroy: async (id) => {
      // Other replicas drop it from their session caches (a logout is refused everywhere).
      await db.run(announced('DELETE FROM sessions WHERE id = $1 RETURNING id', 2), [
        id,
        announce({ kind: 'session', digest: sessionDigest(id) }),
      ]);
    },
    touch: async (id, expiresAt, now) => {
      await db.run('UPDATE sessions SET expires_at = $2 WHERE id = $1 AND expires_at > $3', [
        id,
        expiresAt,
        now,
      ]);
    },
    // Each ended session is announced by its own digest: other replicas drop them all.
    destroyByUser: async (userId) =>
      (
        await db.all(announcedSessions('DELETE FROM sessions WHERE user_id = $1 RETURNING id', 2), [
          userId,
          sessionsPrefix(announce),
        ])
      ).map((row) => text(row, 'id')),
    purgeExpired: async (now) => db.run('DELETE FROM sessions WHERE expires_at <= $1', [now]),
  };
}
