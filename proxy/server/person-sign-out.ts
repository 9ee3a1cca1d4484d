/**
 * An admin's "end all sessions of this person": every portal session (and so every app cookie,
 * which names one), every bearer token (CLI, extension: their refresh is refused with their
 * token), every pending sign-in code, and through each ended sign-in whatever was opened or
 * minted under it (terminal sessions, event streams, session credentials: start.ts's
 * endCredential). Everything ends first; the audit record follows, like a logout's.
 */
import { sessionCredential, tokenCredential } from '../api/authenticate.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Store, UserRecord } from '../store/types.js';

export interface PersonSignOutDeps {
  store: Pick<Store, 'sessions' | 'tokens' | 'oneTimeCodes'>;
  audit: Pick<AuditLog, 'record'>;
  /** This replica's cached view of a session: dropped at once. */
  invalidateSession(sid: string): void;
  /** A sign-in ended: everything opened or minted under it ends. */
  endCredential(credential: string): void;
  now: () => number;
}

export interface PersonSignedOut {
  sessions: number;
  tokens: number;
  codes: number;
}

export async function endPersonSessions(
  deps: PersonSignOutDeps,
  user: UserRecord,
  actor: string,
): Promise<PersonSignedOut> {
  // Sessions first: a token or code minted under one of them meanwhile is either written before
  // this, and so ended below, or finds its sign-in gone and is withdrawn (mint-under-sign-in.ts).
  const sids = await deps.store.sessions.destroyByUser(user.id);
  // Codes before tokens: a sign-in code is taken only once the token it buys is written
  // (OneTimeCodes.redeemFor), so a code redeemed meanwhile either is deleted here, and its token
  // never handed out, or was taken already, and its token is in the store to be revoked next.
  const codes = await deps.store.oneTimeCodes.deleteForUser(user.id);
  const tokens = await deps.store.tokens.revokeForUser(user.id, deps.now());
  for (const sid of sids) {
    deps.invalidateSession(sid);
    deps.endCredential(sessionCredential(sid));
  }
  for (const id of tokens) deps.endCredential(tokenCredential(id));
  const ended = { sessions: sids.length, tokens: tokens.length, codes };
  await deps.audit.record({
    code: 'auth.sessions_ended',
    actor,
    target: user.id,
    data: ended,
  });
  return ended;
}
