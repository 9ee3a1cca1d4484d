/**
 * The OIDC login: /auth/login sends the person to their IdP, /auth/callback verifies the answer
 * (state, nonce, issuer, PKCE) and starts a fresh session, /auth/logout ends it, /auth/app carries
 * a logged-in session to an app host. A callback is redeemed once: its transaction is deleted
 * before the code is exchanged, so a replay finds nothing.
 */
import express, { type Request, type Response } from 'express';
import type { AuditLog } from '../audit/audit-log.js';
import type { IdentityProviderConfig } from '../config/schema.js';
import { JitgateError, badRequest } from '../shared/errors.js';
import { html, page } from '../shared/html.js';
import type { Logger } from '../shared/logger.js';
import type { UserRecord, UserRepository } from '../store/types.js';
import type { AppHandoff } from './app-handoff.js';
import { userFromClaims } from './claims.js';
import type { AfterLogin } from './mfa/login-gate.js';
import type { OidcRelyingParty } from './oidc-client.js';
import { checkRedirect, safeRedirect, type RedirectPolicy } from './redirect.js';
import '../server/request-id.js';
import './session-types.js';
import { sessionUserOf } from './session-user.js';

const LOGIN_TTL_MS = 10 * 60_000;
const MAX_OPEN_LOGINS = 5;

export interface LoginProvider {
  config: IdentityProviderConfig;
  rp: OidcRelyingParty;
}

export interface LoginRoutesDeps {
  providers: Map<string, LoginProvider>;
  portalOrigin: string;
  redirects: RedirectPolicy;
  users: UserRepository;
  /** Logins, failed logins and logouts are audited; a login that cannot be audited fails. */
  audit: Pick<AuditLog, 'record'>;
  handoff: AppHandoff;
  now: () => number;
  log: Logger;
  onLogin?(user: UserRecord): void;
  /** MFA's say after OIDC (mfa/login-gate.ts); without it the person is signed in at once. */
  afterLogin?: AfterLogin;
}

const promisify = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) =>
    fn((err) =>
      err ? reject(err instanceof Error ? err : new Error('session store failed')) : resolve(),
    ),
  );

const queryString = (req: Request, name: string): string | undefined => {
  const value: unknown = req.query[name];
  return typeof value === 'string' ? value : undefined;
};

export function loginRoutes(deps: LoginRoutesDeps): express.Router {
  const router = express.Router();
  const callbackUrl = `${deps.portalOrigin}/auth/callback`;

  function chooser(res: Response, returnTo: string) {
    const links = [...deps.providers.values()].map(
      ({ config }) =>
        html`<p>
          <a class="button" href="/auth/login?idp=${config.id}&rd=${encodeURIComponent(returnTo)}"
            >Sign in with ${config.name ?? config.id}</a
          >
        </p>`,
    );
    res.type('html').send(
      page(
        'Sign in',
        html`<h1>Sign in to jitgate</h1>
          ${links}`,
      ),
    );
  }

  router.get('/auth/login', async (req, res) => {
    const returnTo = safeRedirect(queryString(req, 'rd'), deps.redirects);
    const idpId =
      queryString(req, 'idp') ??
      (deps.providers.size === 1 ? [...deps.providers.keys()][0] : undefined);
    if (idpId === undefined) return chooser(res, returnTo);
    const provider = deps.providers.get(idpId);
    if (!provider) throw badRequest('unknown_idp', 'unknown identity provider');
    const { url, checks } = await provider.rp.start(callbackUrl);
    const open = Object.entries(req.session.logins ?? {})
      .filter(([, tx]) => deps.now() - tx.startedAt < LOGIN_TTL_MS)
      .slice(-(MAX_OPEN_LOGINS - 1));
    req.session.logins = Object.fromEntries([
      ...open,
      [checks.state, { idp: idpId, checks, returnTo, startedAt: deps.now() }],
    ]);
    await promisify((cb) => req.session.save(cb));
    res.redirect(302, url);
  });

  /**
   * Records a refused login, then rethrows the refusal. If even the record fails, the refusal
   * still stands (the login fails either way) and the log says the audit was lost.
   */
  async function refused(req: Request, idp: string | null, error: unknown): Promise<never> {
    const code = error instanceof JitgateError ? error.code : 'internal_error';
    await deps.audit
      .record({ code: 'auth.login_failed', actor: 'anonymous', target: idp, reason: code })
      .catch((auditError: unknown) =>
        deps.log.error('login failure not audited', { requestId: req.id, error: auditError }),
      );
    throw error;
  }

  router.get('/auth/callback', async (req, res) => {
    const state = queryString(req, 'state');
    const tx = state ? req.session.logins?.[state] : undefined;
    if (!state || !tx || deps.now() - tx.startedAt >= LOGIN_TTL_MS) {
      return refused(
        req,
        null,
        badRequest('login_expired', 'this login is unknown, used or expired; please sign in again'),
      );
    }
    delete req.session.logins?.[state];
    await promisify((cb) => req.session.save(cb));
    const provider = deps.providers.get(tx.idp);
    if (!provider) throw badRequest('unknown_idp', 'unknown identity provider');
    let user: UserRecord;
    let claims: Record<string, unknown>;
    try {
      if (queryString(req, 'error')) {
        throw new JitgateError(401, 'login_failed', `the identity provider refused the login`);
      }
      const callback = new URL(req.originalUrl, deps.portalOrigin);
      claims = await provider.rp.finish(callback, tx.checks);
      user = userFromClaims(provider.config, claims, deps.now());
    } catch (error) {
      return refused(req, tx.idp, error);
    }
    await deps.users.upsert(user);
    // Before the session exists: a login the log cannot show does not happen (fail closed).
    await deps.audit.record({
      code: 'auth.login',
      actor: user.id,
      target: user.idp,
      data: { username: user.username, kind: user.kind, groups: user.groups },
    });
    // A new session id at login: a session id planted before login is worth nothing after it.
    await promisify((cb) => req.session.regenerate(cb));
    const sessionUser = sessionUserOf(user, deps.now());
    let next = tx.returnTo;
    if (deps.afterLogin)
      next = await deps.afterLogin(req, sessionUser, claims, provider.config, tx.returnTo);
    else req.session.user = sessionUser;
    await promisify((cb) => req.session.save(cb));
    deps.log.info('login', { user: user.id, idp: user.idp, requestId: req.id });
    deps.onLogin?.(user);
    res.redirect(302, next);
  });

  router.get('/auth/logout', (_req, res) => {
    const body = html`<h1>Sign out</h1>
      <form method="post" action="/auth/logout"><button type="submit">Sign out</button></form>`;
    res.type('html').send(page('Sign out', body));
  });

  router.post('/auth/logout', async (req, res) => {
    const user = req.session.user;
    // The session ends first: nobody stays signed in because the audit log could not be written.
    await promisify((cb) => req.session.destroy(cb));
    if (user) {
      deps.log.info('logout', { user: user.id, requestId: req.id });
      await deps.audit.record({ code: 'auth.logout', actor: user.id, target: user.idp });
    }
    res.redirect(303, '/');
  });

  router.get('/auth/app', (req, res) => {
    const target = checkRedirect(queryString(req, 'rd'), deps.redirects);
    const url = target && /^https?:/.test(target) ? new URL(target) : undefined;
    if (!url) throw badRequest('invalid_redirect', 'rd must be the URL of an app jitgate fronts');
    if (!req.session.user) {
      return res.redirect(302, `/auth/login?rd=${encodeURIComponent(req.originalUrl)}`);
    }
    const code = deps.handoff.issue(req.sessionID, url.origin, url.pathname + url.search);
    res.redirect(302, `${url.origin}/.jitgate/auth?code=${encodeURIComponent(code)}`);
  });

  return router;
}
