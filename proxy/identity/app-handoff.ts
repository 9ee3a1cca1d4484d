/**
 * Carrying a logged-in portal session to an app host, for the browser that asked and no other.
 *
 *   1. The app host (the gateway) gives the browser a binding cookie, a random verifier, and
 *      sends it to the portal's `/auth/app?rd=…&bind=<challenge>` (challenge = hash of it).
 *   2. The portal issues a one-time code for its session, bound to that challenge and to the
 *      app's origin, and sends the browser to `<app origin>/.jitgate/auth?code=…`.
 *   3. The gateway redeems the code once (from the store: any replica, within a minute) and
 *      sets the app cookie only if this browser holds the verifier.
 *
 * A handoff link opened in another browser fails at 3: that browser has no verifier, or its own
 * (the PKCE idea, with the verifier in a cookie of the app's origin). Codes live in the store
 * (OneTimeCodes): they survive a restart and redeem once across replicas.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OneTimeCodes } from '../shared/one-time-codes.js';
import type { OneTimeCodeRepository, RateLimitRepository } from '../store/types.js';

interface Handoff {
  sid: string;
  origin: string;
  path: string;
  binding: string;
}

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9_-]{43}$/;
/** Outstanding codes at most: each is one click of a signed-in person; more is an attack. */
const MAX_CODES = 10_000;
/** Per person and minute: a page full of apps signing in at once, far below MAX_CODES. */
const MAX_CODES_PER_PERSON = 100;

const isHandoff = (value: unknown): value is Handoff => {
  const h = value as Partial<Handoff> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.sid === 'string' &&
    typeof h.origin === 'string' &&
    typeof h.path === 'string' &&
    typeof h.binding === 'string'
  );
};

/** The challenge the portal is told: it names the verifier without revealing it. */
export const bindingChallenge = (verifier: string): string =>
  createHash('sha256').update(`jitgate handoff binding\0${verifier}`).digest('base64url');

export const isBindingChallenge = (value: unknown): value is string =>
  typeof value === 'string' && CHALLENGE.test(value);

export const isBindingVerifier = (value: unknown): value is string =>
  typeof value === 'string' && VERIFIER.test(value);

export const newBindingVerifier = (): string => randomBytes(32).toString('base64url');

export class AppHandoff {
  private readonly codes: OneTimeCodes<Handoff>;

  constructor(
    repos: { codes: OneTimeCodeRepository; counters: RateLimitRepository },
    now: () => number,
    ttlMs = 60_000,
  ) {
    this.codes = new OneTimeCodes({
      repo: repos.codes,
      kind: 'app-handoff',
      ttlMs,
      now,
      max: MAX_CODES,
      perOwner: { max: MAX_CODES_PER_PERSON, counters: repos.counters },
      parse: (value) => (isHandoff(value) ? value : undefined),
    });
  }

  /** A code for session `sid` of `userId`, for `origin`, bound to the browser's challenge. */
  issue(sid: string, userId: string, origin: string, path: string, binding: string) {
    return this.codes.issue({ sid, origin, path, binding }, userId);
  }

  /**
   * The session and path of `code` when it is live, for `origin`, and `verifier` (the browser's
   * binding cookie) is the one it was bound to. The code is spent whatever the answer.
   */
  async redeem(
    code: string,
    origin: string,
    verifier: string | undefined,
  ): Promise<{ sid: string; path: string } | undefined> {
    const handoff = await this.codes.redeem(code);
    if (!handoff || handoff.origin !== origin || !isBindingVerifier(verifier)) return undefined;
    const expected = Buffer.from(handoff.binding);
    const presented = Buffer.from(bindingChallenge(verifier));
    if (expected.length !== presented.length || !timingSafeEqual(expected, presented))
      return undefined;
    return { sid: handoff.sid, path: handoff.path };
  }
}
