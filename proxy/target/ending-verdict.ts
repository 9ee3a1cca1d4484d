/**
 * Whether the target agent ends a recorded connection now, and why. The guard exists for the
 * connections jitgate cannot end itself: those made with a direct certificate (`jitgate ssh-cert`,
 * `jitgate exec`) and the holder's own key. They end when their certificate is on the revocation
 * list or past its valid-before (the grant's planned end: no jitgate needed).
 *
 * A relay certificate's connection is jitgate's own ssh client (cert-purpose.ts): jitgate ends
 * it at the grant's end, revoke or idle timeout and tells the person why. Its valid-before is only
 * the login's window (a few minutes), so judging it by that cut every guarded web terminal and
 * `jitgate ssh` session after five minutes; and cutting it at the grant's end or revoke only
 * raced jitgate's own end, so the session reported `exit` instead of `expired` or `revoked`.
 */
import type { RegisteredSession } from './session-registry.js';

export type EndingReason = 'revoked' | 'expired';

export function endingReason(
  session: Pick<RegisteredSession, 'serial' | 'validBefore' | 'relay'>,
  revoked: ReadonlySet<bigint>,
  now: number,
): EndingReason | undefined {
  if (session.relay) return undefined;
  if (revoked.has(session.serial)) return 'revoked';
  if (session.validBefore !== undefined && session.validBefore <= now) return 'expired';
  return undefined;
}
