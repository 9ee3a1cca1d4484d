/** PostgreSQL implementation of UserRepository. */
import type { PgRow } from '../../shared/pg-driver.js';
import type { IdentityKind, UserRecord, UserRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { int, optionalText, text } from './rows.js';

/** claims_json as written by upsert; anything else reads as no claims, never as a failure. */
function claimsOf(row: PgRow): { claims?: Record<string, string> } {
  try {
    const parsed: unknown = JSON.parse(text(row, 'claims_json'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const entries = Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    return entries.length > 0 ? { claims: Object.fromEntries(entries) } : {};
  } catch {
    return {};
  }
}

function toUser(row: PgRow): UserRecord {
  return {
    id: text(row, 'id'),
    idp: text(row, 'idp'),
    subject: text(row, 'subject'),
    username: text(row, 'username'),
    email: optionalText(row, 'email'),
    name: optionalText(row, 'name'),
    groups: JSON.parse(text(row, 'groups_json')) as string[],
    kind: text(row, 'kind') as IdentityKind,
    lastLoginAt: int(row, 'last_login_at'),
    // No key rather than `{}`: a user stored without claims reads back exactly as written.
    ...claimsOf(row),
  };
}

export function createUserRepository(db: PgDatabase): UserRepository {
  return {
    upsert: async (u) => {
      await db.run(
        `INSERT INTO users (id, idp, subject, username, email, name, groups_json, kind, claims_json,
           last_login_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, email = excluded.email,
           name = excluded.name, groups_json = excluded.groups_json, kind = excluded.kind,
           claims_json = excluded.claims_json, last_login_at = excluded.last_login_at`,
        [
          u.id,
          u.idp,
          u.subject,
          u.username,
          u.email,
          u.name,
          JSON.stringify(u.groups),
          u.kind,
          JSON.stringify(u.claims ?? {}),
          u.lastLoginAt,
        ],
      );
    },
    get: async (id) => {
      const row = await db.get('SELECT * FROM users WHERE id = $1', [id]);
      return row ? toUser(row) : undefined;
    },
    findByName: async (name) =>
      (
        await db.all(
          `SELECT * FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1)
             OR id = $1 ORDER BY id`,
          [name],
        )
      ).map(toUser),
  };
}
