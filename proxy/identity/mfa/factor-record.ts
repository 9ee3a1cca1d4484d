/**
 * Second factors as stored, and the repository contract every store backend implements. One
 * table holds every factor type: TOTP today, WebAuthn next (its credential goes in `secretEnc`,
 * its signature counter in `lastUsedStep`), so "the factors of a person" is one query.
 */
export type FactorType = 'totp' | 'webauthn';

export interface MfaFactor {
  /** "mfa_…": names the factor in the audit log and in forms; not a secret. */
  id: string;
  userId: string;
  type: FactorType;
  /** The person's own label ("Phone"), shown on the Security page. */
  name: string;
  /** The factor's secret sealed by the secret box (bound to this id and user). */
  secretEnc: string;
  createdAt: number;
  /**
   * TOTP: the last time step accepted, so a code is never accepted twice. WebAuthn: the last
   * signature counter seen.
   */
  lastUsedStep: number | null;
  /** When the first code confirmed it; null while enrollment is unfinished (not usable). */
  confirmedAt: number | null;
}

/** Consecutive failed step-ups of one person and the lock they led to. */
export interface MfaFailures {
  userId: string;
  count: number;
  lockedUntil: number | null;
}

export interface MfaRepository {
  insertFactor(factor: MfaFactor): Promise<void>;
  getFactor(id: string): Promise<MfaFactor | undefined>;
  /** A person's factors, confirmed and unfinished, oldest first. */
  listFactors(userId: string): Promise<MfaFactor[]>;
  /** Confirms an unfinished factor of `userId`, naming it; false when there is none to confirm. */
  confirmFactor(
    id: string,
    userId: string,
    confirm: { at: number; step: number | null; name: string },
  ): Promise<boolean>;
  /** Moves `lastUsedStep` forward only; false when `step` is not after it (a replay). */
  useStep(id: string, step: number): Promise<boolean>;
  deleteFactor(id: string, userId: string): Promise<boolean>;
  /** Drops unfinished enrollments of `userId` of one type; returns how many. */
  deleteUnconfirmed(userId: string, type: FactorType): Promise<number>;
  /** Replaces every recovery code of `userId` (hashes only; the codes are shown once). */
  replaceRecoveryCodes(userId: string, hashes: readonly string[]): Promise<void>;
  /** Uses one unused code; false when it is unknown or used. The lookup is the comparison. */
  useRecoveryCode(userId: string, hash: string, at: number): Promise<boolean>;
  unusedRecoveryCodes(userId: string): Promise<number>;
  getFailures(userId: string): Promise<MfaFailures | undefined>;
  putFailures(failures: MfaFailures): Promise<void>;
}
