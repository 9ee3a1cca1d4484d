/** SQLite implementation of TokenRepository. */
import type { TokenRecord, TokenRepository } from '../../identity/token-record.js';
import type { SessionUser } from '../../identity/session-user.js';
import { int, optionalInt, optionalText, text } from './rows.js';
import type { SqlRow, SqliteDatabase } from './database.js';

const stepUp = (at: number | null) => (at === null ? {} : { stepUpAt: at });

function toToken(row: SqlRow): TokenRecord {
  return {
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    tokenHash: text(row, 'token_hash'),
    label: optionalText(row, 'label'),
    user: JSON.parse(text(row, 'user_json')) as SessionUser,
    createdAt: int(row, 'created_at'),
    expiresAt: int(row, 'expires_at'),
    revokedAt: optionalInt(row, 'revoked_at'),
    lastUsedAt: optionalInt(row, 'last_used_at'),
    ...stepUp(optionalInt(row, 'step_up_at')),
  };
}

export function createTokenRepository(db: SqliteDatabase): TokenRepository {
  return {
    insert: async (t) => {
      db.run(
        `INSERT INTO api_tokens (id, user_id, token_hash, label, user_json, created_at, expires_at,
           revoked_at, last_used_at, step_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          t.id,
          t.userId,
          t.tokenHash,
          t.label,
          JSON.stringify(t.user),
          t.createdAt,
          t.expiresAt,
          t.revokedAt,
          t.lastUsedAt,
          t.stepUpAt ?? null,
        ],
      );
    },
    get: async (id) => {
      const row = db.get('SELECT * FROM api_tokens WHERE id = ?', [id]);
      return row ? toToken(row) : undefined;
    },
    findByHash: async (tokenHash) => {
      const row = db.get('SELECT * FROM api_tokens WHERE token_hash = ?', [tokenHash]);
      return row ? toToken(row) : undefined;
    },
    revoke: async (id, at) =>
      db.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])
        .changes === 1,
    revokeForUser: async (userId, at) =>
      db
        .all(
          'UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL RETURNING id',
          [at, userId],
        )
        .map((row) => text(row, 'id')),
    touch: async (id, at) => {
      db.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [at, id]);
    },
  };
}
