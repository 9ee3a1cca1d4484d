/** PostgreSQL implementation of MfaRepository. */
import type { FactorType, MfaFactor, MfaRepository } from '../../identity/mfa/factor-record.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { int, optionalInt, text } from './rows.js';

function toFactor(row: PgRow): MfaFactor {
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

export function createMfaRepository(db: PgDatabase): MfaRepository {
  return {
    insertFactor: async (f) => {
      await db.run(
        `INSERT INTO mfa_factors (id, user_id, type, name, secret_enc, created_at, last_used_step,
           confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [f.id, f.userId, f.type, f.name, f.secretEnc, f.createdAt, f.lastUsedStep, f.confirmedAt],
      );
    },
    getFactor: async (id) => {
      const row = await db.get('SELECT * FROM mfa_factors WHERE id = $1', [id]);
      return row ? toFactor(row) : undefined;
    },
    listFactors: async (userId) =>
      (
        await db.all('SELECT * FROM mfa_factors WHERE user_id = $1 ORDER BY created_at, id', [
          userId,
        ])
      ).map(toFactor),
    confirmFactor: async (id, userId, { at, step, name }) =>
      (await db.run(
        `UPDATE mfa_factors SET confirmed_at = $3, last_used_step = $4, name = $5
           WHERE id = $1 AND user_id = $2 AND confirmed_at IS NULL`,
        [id, userId, at, step, name],
      )) === 1,
    // One statement compares and sets, so two requests with the same code cannot both win.
    useStep: async (id, step) =>
      (await db.run(
        `UPDATE mfa_factors SET last_used_step = $2
           WHERE id = $1 AND (last_used_step IS NULL OR last_used_step < $2)`,
        [id, step],
      )) === 1,
    deleteFactor: async (id, userId) =>
      (await db.run('DELETE FROM mfa_factors WHERE id = $1 AND user_id = $2', [id, userId])) === 1,
    deleteUnconfirmed: async (userId, type) =>
      db.run('DELETE FROM mfa_factors WHERE user_id = $1 AND type = $2 AND confirmed_at IS NULL', [
        userId,
        type,
      ]),
    replaceRecoveryCodes: (userId, hashes) =>
      db.transaction(async () => {
        await db.run('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
        await db.run(
          `INSERT INTO mfa_recovery_codes (user_id, code_hash)
             SELECT $1, hash FROM unnest($2::text[]) AS hash`,
          [userId, [...hashes]],
        );
      }),
    useRecoveryCode: async (userId, hash, at) =>
      (await db.run(
        `UPDATE mfa_recovery_codes SET used_at = $3
           WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
        [userId, hash, at],
      )) === 1,
    unusedRecoveryCodes: async (userId) =>
      int(
        (await db.get(
          'SELECT count(*) AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
          [userId],
        )) ?? { n: 0 },
        'n',
      ),
    getFailures: async (userId) => {
      const row = await db.get('SELECT * FROM mfa_failures WHERE user_id = $1', [userId]);
      if (!row) return undefined;
      return {
        userId: text(row, 'user_id'),
        count: int(row, 'count'),
        lockedUntil: optionalInt(row, 'locked_until'),
      };
    },
    putFailures: async (f) => {
      await db.run(
        `INSERT INTO mfa_failures (user_id, count, locked_until) VALUES ($1, $2, $3)
           ON CONFLICT (user_id) DO UPDATE SET count = excluded.count,
             locked_until = excluded.locked_until`,
        [f.userId, f.count, f.lockedUntil],
      );
    },
  };
}
