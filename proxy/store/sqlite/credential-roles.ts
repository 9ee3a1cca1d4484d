/** SQLite implementation of CredentialRoleRepository. */
import type {
  CredentialRoleRecord,
  CredentialRoleRepository,
} from '../../credentials/role-record.js';
import { int, optionalInt, text } from './rows.js';
import type { SqlRow, SqliteDatabase } from './database.js';

function toRole(row: SqlRow): CredentialRoleRecord {
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

export function createCredentialRoleRepository(db: SqliteDatabase): CredentialRoleRepository {
  return {
    insert: async (r) => {
      db.run(
        `INSERT INTO credential_roles (role, resource_id, grant_id, user_id, created_at,
           valid_until, dropped_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [r.role, r.resourceId, r.grantId, r.userId, r.createdAt, r.validUntil, r.droppedAt],
      );
    },
    listStanding: async () =>
      db
        .all('SELECT * FROM credential_roles WHERE dropped_at IS NULL ORDER BY created_at')
        .map(toRole),
    forGrant: async (grantId) => {
      const row = db.get(
        'SELECT * FROM credential_roles WHERE grant_id = ? AND dropped_at IS NULL ORDER BY created_at DESC LIMIT 1',
        [grantId],
      );
      return row ? toRole(row) : undefined;
    },
    markDropped: async (role, at) => {
      db.run('UPDATE credential_roles SET dropped_at = ? WHERE role = ? AND dropped_at IS NULL', [
        at,
        role,
      ]);
    },
    claimDrop: async (role, claimant, now, until) =>
      db.run(
        `UPDATE credential_roles SET drop_claimant = ?, drop_claimed_until = ?
           WHERE role = ? AND dropped_at IS NULL
             AND (drop_claimant IS NULL OR drop_claimant = ? OR drop_claimed_until <= ?)`,
        [claimant, until, role, claimant, now],
      ).changes === 1,
    releaseDrop: async (role, claimant) => {
      db.run(
        `UPDATE credential_roles SET drop_claimant = NULL, drop_claimed_until = NULL
           WHERE role = ? AND drop_claimant = ?`,
        [role, claimant],
      );
    },
  };
}
