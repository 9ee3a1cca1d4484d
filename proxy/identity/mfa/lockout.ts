/**
 * Failed step-ups and the lockout they lead to, as pure functions of the stored state and the
 * time: after `maxFailures` failures in a row step-up is locked for `lockoutMs`, during which no
 * code is even checked; success clears the count; a lock that ran out starts a fresh count.
 */
export interface LockoutPolicy {
  maxFailures: number;
  lockoutMs: number;
}

export interface FailureState {
  count: number;
  lockedUntil: number | null;
}

export const NO_FAILURES: FailureState = { count: 0, lockedUntil: null };

export const isLocked = (state: FailureState | undefined, now: number): boolean =>
  state?.lockedUntil != null && now < state.lockedUntil;

/** The state after one more failure at `now`, and whether this failure set the lock. */
export function afterFailure(
  state: FailureState | undefined,
  now: number,
  policy: LockoutPolicy,
): { next: FailureState; lockedNow: boolean } {
  const expired = state?.lockedUntil != null && now >= state.lockedUntil;
  const count = (expired || !state ? 0 : state.count) + 1;
  if (count >= policy.maxFailures) {
    return { next: { count, lockedUntil: now + policy.lockoutMs }, lockedNow: true };
  }
  return { next: { count, lockedUntil: null }, lockedNow: false };
}
