/** PostgreSQL implementation of CredentialRoleRepository. */
import type {
  CredentialRoleRecord,
  CredentialRoleRepository,
} from '../../credentials/role-record.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { int, optionalInt, text } from './rows.js';

function toRole(row: PgRow): CredentialRoleRecord {
  return {
    role: text(row, 'role'),
    resourceId: text(row, 'resource_id'),
    grantId: text(row, 'grant_id'),
    userId: text(row, 'user_id'),
    createdAt: int(row, 'created_at'),
    validUntil: int(row, 'valid_until'),
    droppedAt: optionalInt(row, 'dropped_at'),
  };
}

export function createCredentialRoleRepository(db: PgDatabase): CredentialRoleRepository {
  return {
    insert: async (r) => {
      await db.run(
        `INSERT INTO credential_roles (role, resource_id, grant_id, user_id, created_at,
           valid_until, dropped_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [r.role, r.resourceId, r.grantId, r.userId, r.createdAt, r.validUntil, r.droppedAt],
      );
    },
    listStanding: async () =>
      (
        await db.all(
          'SELECT * FROM credential_roles WHERE dropped_at IS NULL ORDER BY created_at, role',
        )
      ).map(toRole),
    forGrant: async (grantId) => {
      const row = await db.get(
        `SELECT * FROM credential_roles WHERE grant_id = $1 AND dropped_at IS NULL
           ORDER BY created_at DESC LIMIT 1`,
        [grantId],
      );
      return row ? toRole(row) : undefined;
    },
    markDropped: async (role, at) => {
      await db.run(
        'UPDATE credential_roles SET dropped_at = $2 WHERE role = $1 AND dropped_at IS NULL',
        [role, at],
      );
    },
    claimDrop: async (role, claimant, now, until) =>
      (await db.run(
        `UPDATE credential_roles SET drop_claimant = $2, drop_claimed_until = $3
           WHERE role = $1 AND dropped_at IS NULL
             AND (drop_claimant IS NULL OR drop_claimant = $2 OR drop_claimed_until <= $4)`,
        [role, claimant, until, now],
      )) === 1,
    releaseDrop: async (role, claimant) => {
      await db.run(
        `UPDATE credential_roles SET drop_claimant = NULL, drop_claimed_until = NULL
           WHERE role = $1 AND drop_claimant = $2`,
        [role, claimant],
      );
    },
  };
}
