/** The identity a logged-in session carries; what the gateway and the portal know of a person. */
import type { Subject } from '../access/types.js';
import type { IdentityKind, UserRecord } from '../store/types.js';

export interface SessionUser {
  id: string;
  idp: string;
  username: string;
  email: string | null;
  name: string | null;
  groups: string[];
  kind: IdentityKind;
  /** String claims kept from the IdP for policy conditions. */
  claims?: Record<string, string>;
  /** When the OIDC login completed (epoch ms); the absolute session lifetime counts from here. */
  loginAt: number;
}

export function sessionUserOf(user: UserRecord, loginAt: number): SessionUser {
  return {
    id: user.id,
    idp: user.idp,
    username: user.username,
    email: user.email,
    name: user.name,
    groups: user.groups,
    kind: user.kind,
    claims: user.claims ?? {},
    loginAt,
  };
}

/** The subject policy decides about, for the person of a session (or a bearer token). */
export function subjectOf(user: SessionUser): Subject {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    groups: user.groups,
    kind: user.kind,
    claims: user.claims ?? {},
  };
}

/** Reads the user out of a stored express-session JSON blob; anything malformed is no user. */
export function sessionUserFromJson(data: string): SessionUser | undefined {
  try {
    const parsed = JSON.parse(data) as { user?: Partial<SessionUser> };
    const user = parsed.user;
    if (!user || typeof user.id !== 'string' || typeof user.loginAt !== 'number') return undefined;
    if (!Array.isArray(user.groups) || typeof user.username !== 'string') return undefined;
    return user as SessionUser;
  } catch {
    return undefined;
  }
}
