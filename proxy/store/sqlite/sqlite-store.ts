/** The embedded default store: one SQLite file in the state folder. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GrantRecord, IdentityKind, SessionRow, Store, UserRecord } from '../types.js';
import { openSqlite, type SqlRow, type SqliteDatabase } from './database.js';
import { migrate } from './migrations.js';

const text = (row: SqlRow, key: string): string => String(row[key]);
const optionalText = (row: SqlRow, key: string): string | null =>
  row[key] === null || row[key] === undefined ? null : String(row[key]);
const int = (row: SqlRow, key: string): number => Number(row[key]);
const optionalInt = (row: SqlRow, key: string): number | null =>
  row[key] === null || row[key] === undefined ? null : Number(row[key]);

function toUser(row: SqlRow): UserRecord {
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
  };
}

function toGrant(row: SqlRow): GrantRecord {
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
  };
}

export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db: SqliteDatabase = openSqlite(path);
  migrate(db);
  const grantById = (id: string) => {
    const row = db.get('SELECT * FROM grants WHERE id = ?', [id]);
    return row ? toGrant(row) : undefined;
  };

  return {
    users: {
      upsert: async (u) => {
        db.run(
          `INSERT INTO users (id, idp, subject, username, email, name, groups_json, kind, last_login_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET username = excluded.username, email = excluded.email,
             name = excluded.name, groups_json = excluded.groups_json, kind = excluded.kind,
             last_login_at = excluded.last_login_at`,
          [
            u.id,
            u.idp,
            u.subject,
            u.username,
            u.email,
            u.name,
            JSON.stringify(u.groups),
            u.kind,
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
    },
    grants: {
      insert: async (g) => {
        db.run(
          `INSERT INTO grants (id, user_id, resource_id, starts_at, ends_at, reason, created_by,
             created_at, revoked_at, revoked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      listLive: async (now) =>
        db
          .all('SELECT * FROM grants WHERE revoked_at IS NULL AND ends_at > ? ORDER BY starts_at', [
            now,
          ])
          .map(toGrant),
      listForUser: async (userId) =>
        db
          .all('SELECT * FROM grants WHERE user_id = ? ORDER BY created_at DESC', [userId])
          .map(toGrant),
    },
    sessions: {
      get: async (id): Promise<SessionRow | undefined> => {
        const row = db.get('SELECT * FROM sessions WHERE id = ?', [id]);
        return row
          ? { id: text(row, 'id'), data: text(row, 'data'), expiresAt: int(row, 'expires_at') }
          : undefined;
      },
      set: async (s) => {
        db.run(
          `INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
          [s.id, s.data, s.expiresAt],
        );
      },
      destroy: async (id) => {
        db.run('DELETE FROM sessions WHERE id = ?', [id]);
      },
      touch: async (id, expiresAt) => {
        db.run('UPDATE sessions SET expires_at = ? WHERE id = ?', [expiresAt, id]);
      },
      purgeExpired: async (now) =>
        db.run('DELETE FROM sessions WHERE expires_at <= ?', [now]).changes,
    },
    settings: {
      get: async (name) => {
        const row = db.get('SELECT value FROM settings WHERE name = ?', [name]);
        return row ? text(row, 'value') : undefined;
      },
      putIfAbsent: async (name, value) =>
        db.transaction(() => {
          db.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [
            name,
            value,
          ]);
          return text(
            db.get('SELECT value FROM settings WHERE name = ?', [name]) ?? { value },
            'value',
          );
        }),
    },
    ping: async () => {
      db.get('SELECT 1 AS ok');
    },
    close: async () => db.close(),
  };
}
