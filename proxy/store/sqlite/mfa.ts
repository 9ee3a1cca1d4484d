/** SQLite implementation of MfaRepository. */
import type { FactorType, MfaFactor, MfaRepository } from '../../identity/mfa/factor-record.js';
import { int, optionalInt, text } from './rows.js';
import type { SqlRow, SqliteDatabase } from './database.js';

function toFactor(row: SqlRow): MfaFactor {
  return {
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    type: text(row, 'type') as FactorType,
    name: text(row, 'name'),
    secretEnc: text(row, 'secret_enc'),
    createdAt: int(row, 'created_at'),
    lastUsedStep: optionalInt(row, 'last_used_step'),
    confirmedAt: optionalInt(row, 'confirmed_at'),
  };
}

export function createMfaRepository(db: SqliteDatabase): MfaRepository {
  return {
    insertFactor: async (f) => {
      db.run(
        `INSERT INTO mfa_factors (id, user_id, type, name, secret_enc, created_at, last_used_step,
           confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [f.id, f.userId, f.type, f.name, f.secretEnc, f.createdAt, f.lastUsedStep, f.confirmedAt],
      );
    },
    getFactor: async (id) => {
      const row = db.get('SELECT * FROM mfa_factors WHERE id = ?', [id]);
      return row ? toFactor(row) : undefined;
    },
    listFactors: async (userId) =>
      db
        .all('SELECT * FROM mfa_factors WHERE user_id = ? ORDER BY created_at, id', [userId])
        .map(toFactor),
    confirmFactor: async (id, userId, { at, step, name }) =>
      db.run(
        `UPDATE mfa_factors SET confirmed_at = ?, last_used_step = ?, name = ?
           WHERE id = ? AND user_id = ? AND confirmed_at IS NULL`,
        [at, step, name, id, userId],
      ).changes === 1,
    // One statement compares and sets, so two requests with the same code cannot both win.
    useStep: async (id, step) =>
      db.run(
        `UPDATE mfa_factors SET last_used_step = ?
           WHERE id = ? AND (last_used_step IS NULL OR last_used_step < ?)`,
        [step, id, step],
      ).changes === 1,
    deleteFactor: async (id, userId) =>
      db.run('DELETE FROM mfa_factors WHERE id = ? AND user_id = ?', [id, userId]).changes === 1,
    deleteUnconfirmed: async (userId, type) =>
      db.run('DELETE FROM mfa_factors WHERE user_id = ? AND type = ? AND confirmed_at IS NULL', [
        userId,
        type,
      ]).changes,
    replaceRecoveryCodes: async (userId, hashes) =>
      db.transaction(() => {
        db.run('DELETE FROM mfa_recovery_codes WHERE user_id = ?', [userId]);
        for (const hash of hashes) {
          db.run('INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES (?, ?)', [
            userId,
            hash,
          ]);
        }
      }),
    useRecoveryCode: async (userId, hash, at) =>
      db.run(
        `UPDATE mfa_recovery_codes SET used_at = ?
           WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
        [at, userId, hash],
      ).changes === 1,
    unusedRecoveryCodes: async (userId) =>
      int(
        db.get(
          'SELECT count(*) AS n FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL',
          [userId],
        ) ?? { n: 0 },
        'n',
      ),
    getFailures: async (userId) => {
      const row = db.get('SELECT * FROM mfa_failures WHERE user_id = ?', [userId]);
      if (!row) return undefined;
      return {
        userId: text(row, 'user_id'),
        count: int(row, 'count'),
        lockedUntil: optionalInt(row, 'locked_until'),
      };
    },
    putFailures: async (f) => {
      db.run(
        `INSERT INTO mfa_failures (user_id, count, locked_until) VALUES (?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET count = excluded.count,
             locked_until = excluded.locked_until`,
        [f.userId, f.count, f.lockedUntil],
      );
    },
  };
}
