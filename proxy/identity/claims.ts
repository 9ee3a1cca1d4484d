/**
 * Turns verified ID token claims into a jitgate user, mapping IdP groups through config. The
 * group mapping and the policy claims are shared with SAML logins (saml-user.ts).
 */
import type { IdentityProviderConfig, OidcIdentityProviderConfig } from '../config/schema.js';
import { JitgateError } from '../shared/errors.js';
import type { UserRecord } from '../store/types.js';

const GROUP = /^[a-z][a-z0-9-]{0,62}$/;

const stringClaim = (claims: Record<string, unknown>, name: string): string | null => {
  const value = claims[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : null;
};

/** Claims about the token rather than the person: never policy conditions. */
const PROTOCOL_CLAIMS = new Set([
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'nonce',
  'at_hash',
  'c_hash',
  'sid',
  'auth_time',
  'azp',
  'jti',
  'acr',
  'amr',
]);
export const MAX_KEPT_CLAIMS = 32;
export const MAX_KEPT_CLAIM_CHARS = 256;

/**
 * The string claims policies may test (`subjects.claims`), bounded so an IdP cannot bloat every
 * session and user row: top-level non-empty strings of at most 256 characters, at most 32 of
 * them (by name, so the choice does not depend on the IdP's key order), without protocol claims
 * and without the groups claim, which reaches policy mapped, as groups.
 */
export function policyClaims(
  claims: Record<string, unknown>,
  groupsClaim: string,
): Record<string, string> {
  const kept = Object.keys(claims)
    .filter((name) => !PROTOCOL_CLAIMS.has(name) && name !== groupsClaim)
    .sort()
    .flatMap((name): [string, string][] => {
      const value = claims[name];
      return typeof value === 'string' && value.length > 0 && value.length <= MAX_KEPT_CLAIM_CHARS
        ? [[name, value]]
        : [];
    });
  return Object.fromEntries(kept.slice(0, MAX_KEPT_CLAIMS));
}

export function mapGroups(
  idp: Pick<IdentityProviderConfig, 'groupMap' | 'passUnmappedGroups'>,
  raw: unknown,
): string[] {
  const idpGroups = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const groups = new Set<string>();
  for (const group of idpGroups) {
    if (typeof group !== 'string') continue;
    // Own keys only: a group named "constructor" must not find Object.prototype's.
    const mapped = Object.hasOwn(idp.groupMap, group) ? idp.groupMap[group] : undefined;
    if (mapped) mapped.forEach((g) => groups.add(g));
    else if (idp.passUnmappedGroups && GROUP.test(group)) groups.add(group);
  }
  return [...groups].sort();
}

/**
 * Why a login's groups are empty when the IdP is set up to map groups but its token has no
 * groups claim at all (Google Workspace never sends one; Okta and Entra ID only when asked):
 * nothing fails, so without this warning group mapping would silently map nothing. An empty
 * claim is a person in no group, and says nothing. Undefined when there is nothing to say.
 */
export function missingGroupsClaim(
  idp: Pick<OidcIdentityProviderConfig, 'id' | 'groupsClaim' | 'groupMap' | 'passUnmappedGroups'>,
  claims: Record<string, unknown>,
): string | undefined {
  const mapsGroups = idp.passUnmappedGroups || Object.keys(idp.groupMap).length > 0;
  if (!mapsGroups || Object.hasOwn(claims, idp.groupsClaim)) return undefined;
  return (
    `the ID token from "${idp.id}" has no "${idp.groupsClaim}" claim, so this person gets no ` +
    'groups and no policy, approver, admin or auditor group can match them: make the IdP send ' +
    'the claim (often a "groups" scope or a groups mapper), set groupsClaim to the claim it ' +
    'does send, or, for an IdP that has no groups (Google Workspace), match people by ' +
    'subjects.users or subjects.claims (docs/identity-providers.md)'
  );
}

/**
 * The claims without `email` when the IdP says it did not verify it (`email_verified` false, or
 * "false" as some IdPs send it): a self-service profile lets anyone type anyone's address, and
 * jitgate matches people by email (policies, break-glass, approvals) and tells apps about it.
 * An IdP that does not say (Entra ID) is taken at its word, as without the claim at all.
 */
function withoutUnverifiedEmail(claims: Record<string, unknown>): Record<string, unknown> {
  const verified = claims.email_verified;
  if (verified !== false && verified !== 'false') return claims;
  const { email: _unverified, ...rest } = claims;
  return rest;
}

export function userFromClaims(
  idp: OidcIdentityProviderConfig,
  idTokenClaims: Record<string, unknown>,
  now: number,
): UserRecord {
  const claims = withoutUnverifiedEmail(idTokenClaims);
  const subject = stringClaim(claims, 'sub');
  if (!subject) throw new JitgateError(401, 'login_failed', 'the ID token has no subject');
  const email = stringClaim(claims, 'email');
  return {
    id: `${idp.id}:${subject}`,
    idp: idp.id,
    subject,
    username: stringClaim(claims, idp.usernameClaim) ?? email ?? subject,
    email,
    name: stringClaim(claims, 'name'),
    groups: mapGroups(idp, claims[idp.groupsClaim]),
    kind: idp.kind,
    claims: policyClaims(claims, idp.groupsClaim),
    lastLoginAt: now,
  };
}
