/** PostgreSQL implementation of GrantRepository. */
import type { PgRow } from '../../shared/pg-driver.js';
import type { GrantRecord, GrantRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { announced, type Announce } from './notify.js';
import { startRecordedAt } from '../grant-start.js';
import { int, optionalInt, optionalText, text } from './rows.js';

function toGrant(row: PgRow): GrantRecord {
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
    ...(row.break_glass === true ? { breakGlass: true as const } : {}),
  };
}

export function createGrantRepository(db: PgDatabase, announce: Announce): GrantRepository {
  const grantById = async (id: string) => {
    const row = await db.get('SELECT * FROM grants WHERE id = $1', [id]);
    return row ? toGrant(row) : undefined;
  };
  return {
    insert: async (g) => {
      await db.run(
        announced(
          `INSERT INTO grants (id, user_id, resource_id, starts_at, ends_at, reason, created_by,
             created_at, revoked_at, revoked_by, break_glass, start_recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
          13,
        ),
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
          g.breakGlass === true,
          startRecordedAt(g),
          announce({ kind: 'grant', id: g.id }),
        ],
      );
    },
    get: grantById,
    // The UPDATE decides who revoked first; a second revoke reads the first one's result.
    revoke: async (id, by, at) => {
      const row = await db.get(
        announced(
          `UPDATE grants SET revoked_at = $2, revoked_by = $3
             WHERE id = $1 AND revoked_at IS NULL RETURNING *`,
          4,
        ),
        [id, at, by, announce({ kind: 'grant', id })],
      );
      return row ? toGrant(row) : grantById(id);
    },
    claimExpiry: async (id, at) =>
      (await db.run(
        `UPDATE grants SET expiry_recorded_at = $2 WHERE id = $1 AND expiry_recorded_at IS NULL
           AND revoked_at IS NULL AND ends_at <= $2`,
        [id, at],
      )) === 1,
    listLive: async (now) =>
      (
        await db.all(
          'SELECT * FROM grants WHERE revoked_at IS NULL AND ends_at > $1 ORDER BY starts_at, id',
          [now],
        )
      ).map(toGrant),
    listForUser: async (userId, { now, recent }) =>
      (
        await db.all(
          `SELECT * FROM grants WHERE id IN (
             SELECT id FROM grants WHERE user_id = $1 AND revoked_at IS NULL AND ends_at > $2
             UNION
             (SELECT id FROM grants WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $3))
           ORDER BY created_at DESC, id`,
          [userId, now, recent],
        )
      ).map(toGrant),
    claimExpired: async (now) =>
      (
        await db.all(
          `UPDATE grants SET expiry_recorded_at = $1
           WHERE revoked_at IS NULL AND ends_at <= $1 AND expiry_recorded_at IS NULL
           RETURNING *`,
          [now],
        )
      )
        .map(toGrant)
        .sort((a, b) => a.endsAt - b.endsAt || a.id.localeCompare(b.id)),
    claimStarted: async (now) =>
      (
        await db.all(
          `UPDATE grants SET start_recorded_at = $1
           WHERE revoked_at IS NULL AND starts_at <= $1 AND start_recorded_at IS NULL
           RETURNING *`,
          [now],
        )
      )
        .map(toGrant)
        .sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id)),
    listInPeriod: async (f) =>
      (
        await db.all(
          `SELECT * FROM grants WHERE starts_at < $1 AND LEAST(COALESCE(revoked_at, ends_at), ends_at) > $2
             AND ($3::text IS NULL OR resource_id = $3) AND ($4::text IS NULL OR user_id = $4)
             ORDER BY starts_at, id LIMIT $5`,
          [f.to, f.from, f.resourceId ?? null, f.userId ?? null, f.limit],
        )
      ).map(toGrant),
  };
}
