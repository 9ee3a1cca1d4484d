/** PostgreSQL implementation of TokenRepository. */
import type { TokenRecord, TokenRepository } from '../../identity/token-record.js';
import type { SessionUser } from '../../identity/session-user.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { announced, announcedEach, announcePrefix, type Announce } from './notify.js';
import { int, optionalInt, optionalText, text } from './rows.js';

const stepUp = (at: number | null) => (at === null ? {} : { stepUpAt: at });

function toToken(row: PgRow): TokenRecord {
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

/**
 * A revoke is announced in its own statement: other replicas drop what they keep of the token
 * (whether the sign-in session credentials were minted under still holds) at once.
 */
export function createTokenRepository(db: PgDatabase, announce: Announce): TokenRepository {
  return {
    insert: async (t) => {
      await db.run(
        `INSERT INTO api_tokens (id, user_id, token_hash, label, user_json, created_at, expires_at,
           revoked_at, last_used_at, step_up_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
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
      const row = await db.get('SELECT * FROM api_tokens WHERE id = $1', [id]);
      return row ? toToken(row) : undefined;
    },
    findByHash: async (tokenHash) => {
      const row = await db.get('SELECT * FROM api_tokens WHERE token_hash = $1', [tokenHash]);
      return row ? toToken(row) : undefined;
    },
    revoke: async (id, at) =>
      (
        await db.all(
          announced(
            'UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
            3,
          ),
          [id, at, announce({ kind: 'token', id })],
        )
      ).length === 1,
    revokeForUser: async (userId, at) =>
      (
        await db.all(
          announcedEach(
            `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL
               RETURNING id`,
            3,
            'id',
          ),
          [userId, at, announcePrefix(announce, { kind: 'token', id: '' })],
        )
      ).map((row) => text(row, 'id')),
    touch: async (id, at) => {
      await db.run('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [id, at]);
    },
  };
}
