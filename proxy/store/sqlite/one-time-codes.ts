/** SQLite implementation of OneTimeCodeRepository. */
import type { OneTimeCode, OneTimeCodeKind, OneTimeCodeRepository } from '../types.js';
import type { SqlRow, SqliteDatabase } from './database.js';
import { int, optionalText, text } from './rows.js';

const toCode = (row: SqlRow): OneTimeCode => ({
  kind: text(row, 'kind') as OneTimeCodeKind,
  codeHash: text(row, 'code_hash'),
  userId: optionalText(row, 'user_id'),
  payload: text(row, 'payload'),
  expiresAt: int(row, 'expires_at'),
});

export function createOneTimeCodeRepository(db: SqliteDatabase): OneTimeCodeRepository {
  return {
    put: async (c) => {
      db.run(
        `INSERT INTO one_time_codes (kind, code_hash, user_id, payload, expires_at)
           VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, code_hash) DO UPDATE SET user_id = excluded.user_id,
           payload = excluded.payload, expires_at = excluded.expires_at`,
        [c.kind, c.codeHash, c.userId, c.payload, c.expiresAt],
      );
    },
    redeem: async (kind, codeHash, now) => {
      const row = db.get(
        'DELETE FROM one_time_codes WHERE kind = ? AND code_hash = ? RETURNING *',
        [kind, codeHash],
      );
      if (!row) return undefined;
      const code = toCode(row);
      return code.expiresAt > now ? code : undefined;
    },
    find: async (kind, codeHash, now) => {
      const row = db.get(
        'SELECT * FROM one_time_codes WHERE kind = ? AND code_hash = ? AND expires_at > ?',
        [kind, codeHash, now],
      );
      return row && toCode(row);
    },
    countLive: async (kind, now) =>
      int(
        db.get('SELECT count(*) AS n FROM one_time_codes WHERE kind = ? AND expires_at > ?', [
          kind,
          now,
        ]) ?? { n: 0 },
        'n',
      ),
    deleteForUser: async (userId) =>
      db.run('DELETE FROM one_time_codes WHERE user_id = ?', [userId]).changes,
    purgeExpired: async (now) =>
      db.run('DELETE FROM one_time_codes WHERE expires_at <= ?', [now]).changes,
  };
}
