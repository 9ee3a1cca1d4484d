/** SQLite implementation of UserRepository. */
import type { IdentityKind, UserRecord, UserRepository } from '../types.js';
import { int, optionalText, text } from './rows.js';
import type { SqlRow, SqliteDatabase } from './database.js';

/** claims_json as written by upsert; anything else reads as no claims, never as a failure. */
function claimsOf(row: SqlRow): { claims?: Record<string, string> } {
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

export function toUser(row: SqlRow): UserRecord {
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

export function createUserRepository(db: SqliteDatabase): UserRepository {
  return {
    upsert: async (u) => {
      db.run(
        `INSERT INTO users (id, idp, subject, username, email, name, groups_json, kind, claims_json,
           last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
      const row = db.get('SELECT * FROM users WHERE id = ?', [id]);
      return row ? toUser(row) : undefined;
    },
    findByName: async (name) =>
      db
        .all(
          `SELECT * FROM users WHERE lower(username) = lower(?) OR lower(email) = lower(?) OR id = ?
           ORDER BY id`,
          [name, name, name],
        )
        .map(toUser),
  };
}
