/**
 * MFA the identity provider vouches for. With `trustMfaFromIdp`, an ID token whose `amr` names a
 * second-factor method (RFC 8176) or whose `acr` is a multi-factor level counts as a step-up at
 * the time the IdP authenticated the person (`auth_time`), so nobody is asked twice. A token
 * without `auth_time` does not say when, so it is no step-up.
 */
import type { OidcIdentityProviderConfig } from '../../config/schema.js';

type MfaTrust = Pick<
  OidcIdentityProviderConfig,
  'trustMfaFromIdp' | 'mfaAmrValues' | 'mfaAcrValues'
>;

/** The amr values that show MFA, when the IdP is trusted for it and the token shows it. */
export function idpMfaEvidence(
  idp: MfaTrust,
  claims: Record<string, unknown>,
): { amr: string[]; acr: string | null } | undefined {
  if (!idp.trustMfaFromIdp) return undefined;
  const amr = Array.isArray(claims.amr)
    ? claims.amr.filter((value): value is string => typeof value === 'string')
    : [];
  const acr = typeof claims.acr === 'string' ? claims.acr : null;
  const shown =
    amr.some((value) => idp.mfaAmrValues.includes(value)) ||
    (acr !== null && idp.mfaAcrValues.includes(acr));
  return shown ? { amr: amr.slice(0, 16), acr } : undefined;
}

/**
 * When the IdP says it authenticated the person: auth_time, never later than now. Undefined
 * without one: the token may ride on an IdP session whose factor was checked hours ago (OIDC
 * Core 2 makes auth_time optional unless asked for), and a step-up must show a factor used
 * within the freshness window, so an undated one counts for nothing.
 */
export function idpAuthTime(claims: Record<string, unknown>, now: number): number | undefined {
  const authTime = claims.auth_time;
  return typeof authTime === 'number' && Number.isFinite(authTime)
    ? Math.min(now, authTime * 1000)
    : undefined;
}
