/** SQLite implementation of GrantRepository. */
import type { GrantRecord, GrantRepository } from '../types.js';
import { startRecordedAt } from '../grant-start.js';
import { int, optionalInt, optionalText, text } from './rows.js';
import type { SqlRow, SqliteDatabase } from './database.js';

export function toGrant(row: SqlRow): GrantRecord {
  return {
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    resourceId: text(row, 'resource_id'),
    startsAt: int(row, 'starts_at'),
    endsAt: int(row, 'ends_at'),
    reason: optionalText(row, 'reason'),
    createdBy: text(row, 'created_by'),
    createdAt: int(row, 'created_at'),
    revokedAt: optionalInt(row, 'revoked_at'),
    revokedBy: optionalText(row, 'revoked_by'),
    ...(int(row, 'break_glass') === 1 ? { breakGlass: true as const } : {}),
  };
}

export function createGrantRepository(db: SqliteDatabase): GrantRepository {
  const grantById = (id: string) => {
    const row = db.get('SELECT * FROM grants WHERE id = ?', [id]);
    return row ? toGrant(row) : undefined;
  };
  return {
    insert: async (g) => {
      db.run(
        `INSERT INTO grants (id, user_id, resource_id, starts_at, ends_at, reason, created_by,
           created_at, revoked_at, revoked_by, break_glass, start_recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          g.id,
          g.userId,
          g.resourceId,
          g.startsAt,
          g.endsAt,
          g.reason,
          g.createdBy,
          g.createdAt,
          g.revokedAt,
          g.revokedBy,
          g.breakGlass ? 1 : 0,
          startRecordedAt(g),
        ],
      );
    },
    get: async (id) => grantById(id),
    revoke: async (id, by, at) =>
      db.transaction(() => {
        db.run(
          'UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL',
          [at, by, id],
        );
        return grantById(id);
      }),
    claimExpiry: async (id, at) =>
      db.run(
        `UPDATE grants SET expiry_recorded_at = ? WHERE id = ? AND expiry_recorded_at IS NULL
           AND revoked_at IS NULL AND ends_at <= ?`,
        [at, id, at],
      ).changes === 1,
    listLive: async (now) =>
      db
        .all('SELECT * FROM grants WHERE revoked_at IS NULL AND ends_at > ? ORDER BY starts_at', [
          now,
        ])
        .map(toGrant),
    listForUser: async (userId, { now, recent }) =>
      db
        .all(
          `SELECT * FROM grants WHERE id IN (
             SELECT id FROM grants WHERE user_id = ? AND revoked_at IS NULL AND ends_at > ?
             UNION
             SELECT id FROM (
               SELECT id FROM grants WHERE user_id = ? ORDER BY created_at DESC, id LIMIT ?))
           ORDER BY created_at DESC, id`,
          [userId, now, userId, recent],
        )
        .map(toGrant),
    claimExpired: async (now) =>
      db
        .all(
          `UPDATE grants SET expiry_recorded_at = ?
           WHERE revoked_at IS NULL AND ends_at <= ? AND expiry_recorded_at IS NULL
           RETURNING *`,
          [now, now],
        )
        .map(toGrant)
        .sort((a, b) => a.endsAt - b.endsAt || a.id.localeCompare(b.id)),
    claimStarted: async (now) =>
      db
        .all(
          `UPDATE grants SET start_recorded_at = ?
           WHERE revoked_at IS NULL AND starts_at <= ? AND start_recorded_at IS NULL
           RETURNING *`,
          [now, now],
        )
        .map(toGrant)
        .sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id)),
    listInPeriod: async (f) =>
      db
        .all(
          `SELECT * FROM grants WHERE starts_at < ? AND MIN(COALESCE(revoked_at, ends_at), ends_at) > ?
             AND (? IS NULL OR resource_id = ?) AND (? IS NULL OR user_id = ?)
             ORDER BY starts_at, id LIMIT ?`,
          [
            f.to,
            f.from,
            f.resourceId ?? null,
            f.resourceId ?? null,
            f.userId ?? null,
            f.userId ?? null,
            f.limit,
          ],
        )
        .map(toGrant),
  };
}
