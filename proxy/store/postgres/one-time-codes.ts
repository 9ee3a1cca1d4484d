/** PostgreSQL implementation of OneTimeCodeRepository. */
import type { PgRow } from '../../shared/pg-driver.js';
import type { OneTimeCode, OneTimeCodeKind, OneTimeCodeRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { int, optionalText, text } from './rows.js';

const toCode = (row: PgRow): OneTimeCode => ({
  kind: text(row, 'kind') as OneTimeCodeKind,
  codeHash: text(row, 'code_hash'),
  userId: optionalText(row, 'user_id'),
  payload: text(row, 'payload'),
  expiresAt: int(row, 'expires_at'),
});

export function createOneTimeCodeRepository(db: PgDatabase): OneTimeCodeRepository {
  return {
    put: async (c) => {
      await db.run(
        `INSERT INTO one_time_codes (kind, code_hash, user_id, payload, expires_at)
           VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, code_hash) DO UPDATE SET user_id = excluded.user_id,
           payload = excluded.payload, expires_at = excluded.expires_at`,
        [c.kind, c.codeHash, c.userId, c.payload, c.expiresAt],
      );
    },
    // One statement: of concurrent redeems on any replica, one deletes the row and gets it.
    redeem: async (kind, codeHash, now) => {
      const row = await db.get(
        'DELETE FROM one_time_codes WHERE kind = $1 AND code_hash = $2 RETURNING *',
        [kind, codeHash],
      );
      if (!row) return undefined;
      const code = toCode(row);
      return code.expiresAt > now ? code : undefined;
    },
    find: async (kind, codeHash, now) => {
      const row = await db.get(
        'SELECT * FROM one_time_codes WHERE kind = $1 AND code_hash = $2 AND expires_at > $3',
        [kind, codeHash, now],
      );
      return row && toCode(row);
    },
    countLive: async (kind, now) => {
      const row = await db.get(
        'SELECT count(*) AS n FROM one_time_codes WHERE kind = $1 AND expires_at > $2',
        [kind, now],
      );
      return row ? int(row, 'n') : 0;
    },
    deleteForUser: async (userId) =>
      db.run('DELETE FROM one_time_codes WHERE user_id = $1', [userId]),
    purgeExpired: async (now) => db.run('DELETE FROM one_time_codes WHERE expires_at <= $1', [now]),
  };
}
