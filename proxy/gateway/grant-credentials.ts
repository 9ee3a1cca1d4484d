/**
 * Session credentials: the second way into an app, beside the app cookie. The extension asks the
 * API for one per live grant and adds it as a header to requests that go to that app's exact
 * origin and that the app itself started (declarativeNetRequest session rules). It names the
 * grant, the person, the app's origin, a short end (at most 15 minutes, never past the grant)
 * and, sealed so its holder cannot read it, the sign-in it was minted under (a portal session or
 * a bearer token); the gateway checks all of that, the grant in the in-memory book, and that
 * the sign-in still holds, on every request: a logout ends the credentials minted under it.
 * Browsers send `Sec-Fetch-Site`, which pages cannot forge: only `same-origin` requests may
 * carry a credential, so a copy attached to a sibling or foreign site's request is refused.
 */
import type { IncomingMessage } from 'node:http';
import type { GrantBook } from '../access/grant-book.js';
import type { SessionUser } from '../identity/session-user.js';
import { openText, sealText } from '../shared/sealed-text.js';
import { openClaims, purposeKey, sealClaims } from '../shared/signed-claims.js';
import type { GrantRecord } from '../store/types.js';
import type { AppRoute } from './app-routes.js';

/** Reserved: stripped before forwarding like every identity header, never configurable. */
export const GRANT_CREDENTIAL_HEADER = 'X-Jitgate-Grant-Credential';
const HEADER_KEY = GRANT_CREDENTIAL_HEADER.toLowerCase();
export const SESSION_CREDENTIAL_MAX_MS = 15 * 60_000;
const PREFIX = 'jgc1';

interface Claims {
  grant: string;
  origin: string;
  expiresAt: number;
  user: SessionUser;
  /** The sign-in it was minted under (api/authenticate.ts's Caller.credential), sealed. */
  via: string;
}

export type CredentialAdmission =
  | { user: SessionUser; grant: GrantRecord }
  | {
      decision: 'credential_refused' | 'credential_cross_origin' | 'no_grant';
      status: 403;
      message: string;
    };

function isClaims(value: unknown): value is Claims {
  const c = value as Partial<Claims> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.grant === 'string' &&
    typeof c.origin === 'string' &&
    typeof c.expiresAt === 'number' &&
    typeof c.via === 'string' &&
    typeof c.user === 'object' &&
    c.user !== null &&
    typeof c.user.id === 'string'
  );
}

export interface GrantCredentialsDeps {
  secret: string;
  book: Pick<GrantBook, 'findLiveById'>;
  /** Whether the sign-in a credential was minted under still holds (rejects: cannot tell). */
  holds(credential: string, userId: string): Promise<boolean>;
}

export function createGrantCredentials(deps: GrantCredentialsDeps) {
  const key = purposeKey(deps.secret, 'grant-credential');
  const viaKey = purposeKey(deps.secret, 'grant-credential-via');

  /**
   * The grant `id` when it is live now; ended, scheduled or unknown grants are undefined (after
   * catching up with the other replicas: the credential may have been minted on one of them).
   */
  function liveGrant(id: string, now: () => number): Promise<GrantRecord | undefined> {
    return Promise.resolve(deps.book.findLiveById(id, now));
  }

  /**
   * A credential for `grant` at `origin`, minted under the sign-in `via` (the API caller's
   * credential); the caller checked that `user` holds the grant.
   */
  function mint(user: SessionUser, grant: GrantRecord, origin: string, now: number, via: string) {
    const expiresAt = Math.min(grant.endsAt, now + SESSION_CREDENTIAL_MAX_MS);
    const claims: Claims = { grant: grant.id, origin, expiresAt, user, via: sealText(viaKey, via) };
    return { header: GRANT_CREDENTIAL_HEADER, value: sealClaims(key, PREFIX, claims), expiresAt };
  }

  /**
   * Undefined when the request carries no credential (the cookie decides then). A request that
   * carries one is judged by it alone, and every doubt refuses it, without a login redirect that
   * would only bring the same header back.
   */
  function admit(
    route: AppRoute,
    req: IncomingMessage,
    now: () => number,
  ): Promise<CredentialAdmission> | undefined {
    const presented = req.headers[HEADER_KEY];
    // At once, without a promise: the hot path of a request with no credential.
    if (presented === undefined) return undefined;
    return judge(route, req, presented, now);
  }

  async function judge(
    route: AppRoute,
    req: IncomingMessage,
    presented: string | string[],
    now: () => number,
  ): Promise<CredentialAdmission> {
    const refuse = (message: string): CredentialAdmission => ({
      decision: 'credential_refused',
      status: 403,
      message,
    });
    // Only a request the app's own origin started (scheme, host and port) may carry it. The
    // extension cannot tell a tab's frames apart, so a frame of the same host on another port
    // inside the app's tab still sends it: the browser's own headers decide here. Either one
    // naming another origin refuses it; Origin is absent on same-origin GETs, so it only adds.
    const origin = req.headers.origin;
    if (
      req.headers['sec-fetch-site'] !== 'same-origin' ||
      (origin !== undefined && origin !== route.origin)
    )
      return {
        decision: 'credential_cross_origin',
        status: 403,
        message: 'a session credential is accepted only on requests the app’s own origin makes',
      };
    const claims = openClaims(key, PREFIX, presented);
    if (!isClaims(claims) || claims.expiresAt <= now())
      return refuse('the session credential is invalid or expired');
    if (claims.origin !== route.origin)
      return refuse('the session credential belongs to another origin');
    const grant = await liveGrant(claims.grant, now);
    if (!grant || grant.userId !== claims.user.id || grant.resourceId !== route.resource.id)
      return { decision: 'no_grant', status: 403, message: 'the grant of this credential ended' };
    const via = openText(viaKey, claims.via);
    if (via === undefined || !(await deps.holds(via, claims.user.id)))
      return refuse('the sign-in this session credential was made under has ended');
    return { user: claims.user, grant };
  }

  return { liveGrant, mint, admit };
}

export type GrantCredentials = ReturnType<typeof createGrantCredentials>;
