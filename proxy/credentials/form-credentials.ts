/**
 * Per-grant credentials for apps with their own login form (`resources[].formLogin`). The
 * username is the person's; the password is a sealed value naming the grant, the resource and
 * the app's origin, so it needs no storage and dies with the grant: the app asks jitgate
 * (`POST /api/v1/form-credentials/verify`), which accepts it only while the grant is live.
 */
import type { GrantBook } from '../access/grant-book.js';
import type { SessionUser } from '../identity/session-user.js';
import { openClaims, purposeKey, sealClaims } from '../shared/signed-claims.js';
import type { GrantRecord } from '../store/types.js';

const PREFIX = 'jgf1';

interface Claims {
  grant: string;
  resource: string;
  origin: string;
  username: string;
  user: string;
}

const isClaims = (value: unknown): value is Claims => {
  const c = value as Record<string, unknown> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    ['grant', 'resource', 'origin', 'username', 'user'].every((k) => typeof c[k] === 'string')
  );
};

export interface VerifiedFormLogin {
  username: string;
  user: string;
  grant: string;
  resource: string;
  origin: string;
  expiresAt: number;
}

export function createFormCredentials(deps: {
  secret: string;
  book: Pick<GrantBook, 'findLiveById'>;
}) {
  const key = purposeKey(deps.secret, 'form-credential');

  function mint(user: SessionUser, grant: GrantRecord, origin: string) {
    const claims: Claims = {
      grant: grant.id,
      resource: grant.resourceId,
      origin,
      username: user.username,
      user: user.id,
    };
    return { username: user.username, password: sealClaims(key, PREFIX, claims) };
  }

  /** What the credential names, when it is ours, for `resource`, and its grant is live now. */
  async function verify(
    username: string,
    password: string,
    resource: string,
    now: () => number,
  ): Promise<VerifiedFormLogin | undefined> {
    const claims = openClaims(key, PREFIX, password, 2048);
    if (!isClaims(claims) || claims.username !== username || claims.resource !== resource)
      return undefined;
    const grant = await deps.book.findLiveById(claims.grant, now);
    if (!grant || grant.userId !== claims.user) return undefined;
    return { ...claims, expiresAt: grant.endsAt };
  }

  return { mint, verify };
}

export type FormCredentials = ReturnType<typeof createFormCredentials>;
