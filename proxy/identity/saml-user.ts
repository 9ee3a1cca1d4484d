/**
 * Turns a verified SAML assertion into a jitgate user, as claims.ts does for an ID token: the
 * NameID is the subject, configured attributes give the user name, email, name and groups (an
 * attribute is found by its Name, else its FriendlyName), groups go through the same mapping,
 * and single-valued attributes are kept for policy conditions under their Name.
 */
import type { SamlIdentityProviderConfig } from '../config/schema.js';
import type { UserRecord } from '../store/types.js';
import { mapGroups, policyClaims } from './claims.js';
import type { SamlAttribute, SignedAssertion } from './saml-sp.js';

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const MAX_VALUE = 512;

export interface SamlLoginIdentity {
  user: UserRecord;
  /** What the login gate sees, as an OIDC login's ID token claims. */
  claims: Record<string, unknown>;
}

export function userFromAssertion(
  idp: SamlIdentityProviderConfig,
  assertion: SignedAssertion,
  nameId: string,
  now: number,
): SamlLoginIdentity {
  const find = (name: string): SamlAttribute | undefined =>
    assertion.attributes.find((a) => a.name === name) ??
    assertion.attributes.find((a) => a.friendlyName === name);
  const single = (name: string): string | null => {
    const value = find(name)?.values[0];
    return value !== undefined && value.length <= MAX_VALUE ? value : null;
  };
  const email =
    single(idp.attributes.email) ?? (assertion.nameIdFormat === EMAIL_FORMAT ? nameId : null);
  const groupsAttribute = find(idp.attributes.groups);
  const claims: Record<string, unknown> = Object.fromEntries(
    assertion.attributes.map((a) => [a.name, a.values.length === 1 ? a.values[0] : a.values]),
  );
  return {
    user: {
      id: `${idp.id}:${nameId}`,
      idp: idp.id,
      subject: nameId,
      username: single(idp.attributes.username) ?? email ?? nameId,
      email,
      name: single(idp.attributes.name),
      groups: mapGroups(idp, groupsAttribute?.values ?? []),
      kind: idp.kind,
      claims: policyClaims(claims, groupsAttribute?.name ?? idp.attributes.groups),
      lastLoginAt: now,
    },
    claims,
  };
}
