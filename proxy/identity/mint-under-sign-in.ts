/**
 * Handing out something minted under a portal sign-in (an API token, a `jitgate login` or
 * extension sign-in code) so that ending the person's sessions cannot miss it. It is written
 * first and the sign-in read back from the store after. Ending a person's sessions destroys the
 * sessions before it deletes their codes and revokes their tokens (server/person-sign-out.ts), so
 * either this read finds the session gone, and what was written is withdrawn and refused here, or
 * the write came before the end began, and the end takes it with the rest.
 */
import { unauthorized } from '../shared/errors.js';
import type { SessionRepository } from '../store/types.js';
import { sessionUserFromJson } from './session-user.js';

/** Whether the sign-in is still live, asked of the store (never of a cache). */
export type SignInCheck = () => Promise<boolean>;

export async function mintUnderSignIn<R>(
  stillSignedIn: SignInCheck,
  mint: () => Promise<R>,
  withdraw: (minted: R) => Promise<unknown>,
): Promise<R> {
  const minted = await mint();
  if (await stillSignedIn()) return minted;
  await withdraw(minted);
  throw unauthorized('unauthenticated', 'your sign-in ended meanwhile; sign in again');
}

/**
 * Whether portal session `sid` is live in the store and belongs to `userId`. The store, not the
 * session cache: another replica may have ended it a moment ago.
 */
export const liveSessionOf =
  (sessions: Pick<SessionRepository, 'get'>, now: () => number) =>
  async (sid: string, userId: string): Promise<boolean> => {
    const row = await sessions.get(sid);
    return (
      row !== undefined && row.expiresAt > now() && sessionUserFromJson(row.data)?.id === userId
    );
  };
