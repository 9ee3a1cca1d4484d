/**
 * A person's second factors: which they have, step-up by TOTP or recovery code, removal
 * (enrollment is totp-enrollment.ts). Every attempt goes through the lockout and the audit log.
 * Whether an action needs a step-up is policy's question (access/step-up.ts); this answers
 * whether the person passed one.
 */
import type { Assurance } from '../../access/step-up.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Store } from '../../store/types.js';
import { attempt, refusal, type CheckResult, type StepUpMethod } from './attempts.js';
import { codeRefused, notEnrolled, stepUpFirst, unknownFactor } from './errors.js';
import type { MfaFactor } from './factor-record.js';
import type { LockoutPolicy } from './lockout.js';
import { normalizeRecoveryCode, type RecoveryCodes } from './recovery-codes.js';
import { openSecret, type SecretBox } from './secret-box.js';
import { verifyTotp } from './totp.js';

export interface MfaServiceDeps {
  store: Pick<Store, 'atomic' | 'mfa'>;
  audit: Pick<AuditLog, 'append'>;
  box: SecretBox;
  recovery: RecoveryCodes;
  /** Renders the otpauth URI as a QR code image (a data: URL). */
  qrCode(text: string): Promise<string>;
  issuerLabel: string;
  lockout: LockoutPolicy;
  now: () => number;
}

export interface StepUpPassed {
  method: StepUpMethod;
  factorId: string | null;
}

export class MfaService {
  constructor(private readonly deps: MfaServiceDeps) {}

  /** Confirmed factors only: an unfinished enrollment proves nothing. */
  async factorsOf(userId: string): Promise<MfaFactor[]> {
    return (await this.deps.store.mfa.listFactors(userId)).filter((f) => f.confirmedAt !== null);
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    return this.deps.store.mfa.unusedRecoveryCodes(userId);
  }

  /** The lock's end when step-up is locked for `userId` now. */
  async lockedUntil(userId: string): Promise<number | null> {
    const state = await this.deps.store.mfa.getFailures(userId);
    const until = state?.lockedUntil ?? null;
    return until !== null && until > this.deps.now() ? until : null;
  }

  /** A step-up with a TOTP code (6 digits) or, otherwise, a recovery code. */
  async verify(userId: string, input: string): Promise<StepUpPassed> {
    const factors = await this.factorsOf(userId);
    if (factors.length === 0) throw notEnrolled();
    const recovery = /^\s*\d{3}\s?\d{3}\s*$/.test(input) ? undefined : normalizeRecoveryCode(input);
    const method: StepUpMethod = recovery === undefined ? 'totp' : 'recovery';
    const result = await attempt(this.deps, userId, method, () =>
      recovery === undefined ? this.checkTotp(userId, input) : this.checkRecovery(userId, recovery),
    );
    if (!result.ok) throw refusal(result, codeRefused);
    return { method, factorId: result.factorId };
  }

  /**
   * Removes a factor; only with a fresh step-up, so a session alone cannot strip the factors
   * that guard it. The last factor takes the recovery codes along.
   */
  async remove(userId: string, factorId: string, assurance: Assurance): Promise<MfaFactor> {
    if (!assurance.mfaFresh) throw stepUpFirst();
    const { store, audit } = this.deps;
    return store.atomic(async () => {
      const factor = await store.mfa.getFactor(factorId);
      if (!factor || factor.userId !== userId || !(await store.mfa.deleteFactor(factorId, userId)))
        throw unknownFactor();
      const left = (await store.mfa.listFactors(userId)).filter((f) => f.confirmedAt !== null);
      if (left.length === 0) await store.mfa.replaceRecoveryCodes(userId, []);
      await audit.append({
        code: 'mfa.removed',
        actor: userId,
        data: { factor: factorId, type: factor.type, name: factor.name, left: left.length },
      });
      return factor;
    });
  }

  private async checkTotp(userId: string, input: string): Promise<CheckResult> {
    const factors = (await this.deps.store.mfa.listFactors(userId)).filter(
      (f) => f.type === 'totp' && f.confirmedAt !== null,
    );
    let reason = 'mismatch';
    for (const factor of factors) {
      const check = verifyTotp(this.secretOf(factor), input, this.deps.now(), factor.lastUsedStep);
      if (!check.ok) {
        if (check.reason !== 'mismatch') reason = check.reason;
        continue;
      }
      // Compare-and-set: of two requests with the same code, one wins and one is a replay.
      if (await this.deps.store.mfa.useStep(factor.id, check.step))
        return { ok: true, factorId: factor.id };
      reason = 'replayed';
    }
    return { ok: false, reason };
  }

  private async checkRecovery(userId: string, normalized: string): Promise<CheckResult> {
    const hash = this.deps.recovery.hash(userId, normalized);
    const used = await this.deps.store.mfa.useRecoveryCode(userId, hash, this.deps.now());
    return used ? { ok: true, factorId: null } : { ok: false, reason: 'recovery_code_invalid' };
  }

  private secretOf(factor: MfaFactor): string {
    return openSecret(this.deps.box, factor);
  }
}
