/**
 * The end of every login, whatever the protocol (OIDC callback, SAML assertion consumer): a
 * verified person is stored, audited, given a new session id and handed to MFA; a refused one is
 * audited with the reason. One place, so an OIDC and a SAML login end in the same session.
 */
import type { Request } from 'express';
import type { AuditLog } from '../audit/audit-log.js';
import { isLoginFailureReason, type LoginFailureReason } from '../audit/codes.js';
import type { IdentityProviderConfig } from '../config/schema.js';
import { JitgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { UserRecord, UserRepository } from '../store/types.js';
import type { AfterLogin } from './mfa/login-gate.js';
import type { SignInLimits } from './sign-in-limits.js';
import '../shared/request-id.js';
import './session-types.js';
import { sessionUserOf } from './session-user.js';

export interface LoginFinishDeps {
  users: UserRepository;
  /** Logins are audited; a login that cannot be audited fails. */
  audit: Pick<AuditLog, 'record'>;
  /** Per-client limits on sign-in starts and failures; refusals are counted and audited there. */
  limits: Pick<SignInLimits, 'start' | 'beforeCallback' | 'failed'>;
  now: () => number;
  log: Logger;
  onLogin?(user: UserRecord): void;
  /** MFA's say after the IdP (mfa/login-gate.ts); without it the person is signed in at once. */
  afterLogin?: AfterLogin;
}

export const promisify = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) =>
    fn((err) =>
      err ? reject(err instanceof Error ? err : new Error('session store failed')) : resolve(),
    ),
  );

/**
 * Counts a refused login against the client and records it with its reason (the error's code)
 * while the client is within its limit (sign-in-limits.ts), then rethrows the refusal. If even
 * the record fails, the refusal still stands (the login fails either way). Every protocol's
 * refusals come here, so an OIDC and a SAML failure use up the same allowance.
 */
export async function refuseLogin(
  deps: Pick<LoginFinishDeps, 'limits'>,
  req: Request,
  idp: string | null,
  error: unknown,
): Promise<never> {
  // The audited reason is always one of the documented table; any other fault is jitgate's own.
  const code = error instanceof JitgateError ? error.code : 'internal_error';
  const reason: LoginFailureReason = isLoginFailureReason(code) ? code : 'internal_error';
  await deps.limits.failed(req, idp, reason);
  throw error;
}

/**
 * Signs in a person the IdP vouched for: stores and audits them, starts a new session (a session
 * id planted before login is worth nothing after it) and lets MFA have its say. Returns where
 * the browser goes next.
 */
export async function finishLogin(
  deps: LoginFinishDeps,
  req: Request,
  login: {
    user: UserRecord;
    claims: Record<string, unknown>;
    idp: IdentityProviderConfig;
    returnTo: string;
  },
): Promise<string> {
  const { user, claims, idp, returnTo } = login;
  await deps.users.upsert(user);
  // Before the session exists: a login the log cannot show does not happen (fail closed).
  await deps.audit.record({
    code: 'auth.login',
    actor: user.id,
    target: user.idp,
    data: { username: user.username, kind: user.kind, groups: user.groups },
  });
  await promisify((cb) => req.session.regenerate(cb));
  const sessionUser = sessionUserOf(user, deps.now());
  let next = returnTo;
  if (deps.afterLogin) next = await deps.afterLogin(req, sessionUser, claims, idp, returnTo);
  else req.session.user = sessionUser;
  await promisify((cb) => req.session.save(cb));
  deps.log.info('login', { user: user.id, idp: user.idp, requestId: req.id });
  deps.onLogin?.(user);
  return next;
}
