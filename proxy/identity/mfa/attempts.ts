/**
 * Every step-up attempt, whatever the factor type, runs through `attempt`: refused while locked,
 * counted when it fails (locking at the limit), cleared when it succeeds, and audited each way in
 * the same transaction as the state it changes. WebAuthn plugs its own check in here.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import type { Store } from '../../store/types.js';
import { MfaLockedOut } from './errors.js';
import { afterFailure, isLocked, NO_FAILURES, type LockoutPolicy } from './lockout.js';

export type StepUpMethod = 'totp' | 'webauthn' | 'recovery' | 'idp';

/** What a factor check found: the factor it matched, or why not (a word for the audit log). */
export type CheckResult = { ok: true; factorId: string | null } | { ok: false; reason: string };

export interface AttemptDeps {
  store: Pick<Store, 'atomic' | 'mfa'>;
  audit: Pick<AuditLog, 'append'>;
  lockout: LockoutPolicy;
  now: () => number;
}

export type Attempt =
  { ok: true; factorId: string | null } | { ok: false; lockedUntil: number | null };

/**
 * Runs `check` for `userId` under the lockout. `check` runs inside the transaction, so what a
 * success uses up (a time step, a recovery code) is written together with the audit event.
 */
export async function attempt(
  deps: AttemptDeps,
  userId: string,
  method: StepUpMethod,
  check: () => Promise<CheckResult>,
): Promise<Attempt> {
  const { store, audit } = deps;
  const result = await store.atomic(async (): Promise<Attempt> => {
    const now = deps.now();
    const state = await store.mfa.getFailures(userId);
    if (isLocked(state, now)) {
      await audit.append({ code: 'mfa.failed', actor: userId, reason: 'locked', data: { method } });
      return { ok: false, lockedUntil: state?.lockedUntil ?? null };
    }
    const outcome = await check();
    if (outcome.ok) {
      if (state && state.count > 0) await store.mfa.putFailures({ userId, ...NO_FAILURES });
      await audit.append({
        code: 'mfa.succeeded',
        actor: userId,
        data: { method, factor: outcome.factorId },
      });
      return outcome;
    }
    const { next, lockedNow } = afterFailure(state, now, deps.lockout);
    await store.mfa.putFailures({ userId, ...next });
    await audit.append({
      code: 'mfa.failed',
      actor: userId,
      reason: outcome.reason,
      data: { method, failures: next.count },
    });
    if (lockedNow) {
      await audit.append({
        code: 'mfa.locked_out',
        actor: userId,
        data: { failures: next.count, until: next.lockedUntil },
      });
    }
    return { ok: false, lockedUntil: next.lockedUntil };
  });
  return result;
}

/** Turns a refused attempt into the error to answer with (after the transaction committed). */
export function refusal(result: Attempt & { ok: false }, refused: () => Error): Error {
  return result.lockedUntil !== null ? new MfaLockedOut(result.lockedUntil) : refused();
}
