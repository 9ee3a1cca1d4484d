/**
 * What happens between a verified login (OIDC or SAML) and a signed-in session: a step-up the
 * IdP vouches for is recorded as one; with `mfa.atLogin` the session gets no user until the
 * second factor (the login waits as pending, and the MFA pages finish it); otherwise the person
 * is signed in.
 */
import type { Request } from 'express';
import type { AuditLog } from '../../audit/audit-log.js';
import type { IdentityProviderConfig } from '../../config/schema.js';
import '../session-types.js';
import type { SessionUser } from '../session-user.js';
import { idpAuthTime, idpMfaEvidence } from './idp-mfa.js';
import './mfa-session.js';

export interface LoginGateDeps {
  atLogin: boolean;
  audit: Pick<AuditLog, 'record'>;
  now: () => number;
}

/** Where the browser goes after the callback; the session is fresh (just regenerated). */
export type AfterLogin = (
  req: Request,
  user: SessionUser,
  claims: Record<string, unknown>,
  idp: IdentityProviderConfig,
  returnTo: string,
) => Promise<string>;

export function loginGate(deps: LoginGateDeps): AfterLogin {
  return async (req, user, claims, idp, returnTo) => {
    // Only OIDC IdPs can be trusted for MFA today; after a SAML login jitgate asks itself.
    const evidence = idp.type === 'oidc' ? idpMfaEvidence(idp, claims) : undefined;
    const at = evidence ? idpAuthTime(claims, deps.now()) : undefined;
    if (evidence && at !== undefined) {
      // Audited before the session holds it, like the login itself: unrecorded means not given.
      await deps.audit.record({
        code: 'mfa.succeeded',
        actor: user.id,
        target: idp.id,
        data: { method: 'idp', amr: evidence.amr, acr: evidence.acr, at },
      });
      req.session.user = user;
      req.session.mfa = { userId: user.id, at, method: 'idp' };
      return returnTo;
    }
    if (!deps.atLogin) {
      req.session.user = user;
      return returnTo;
    }
    req.session.mfaLogin = { user, startedAt: deps.now() };
    return `/mfa/verify?rd=${encodeURIComponent(returnTo)}`;
  };
}
