/**
 * The login: /auth/login sends the person to their IdP (OIDC, or SAML through saml-login.ts),
 * /auth/callback/<idp> verifies the OIDC answer (the IdP its login started with, state, nonce,
 * issuer, PKCE) and starts a fresh session, /auth/logout ends it, /auth/app carries a logged-in session to an app host. Until the
 * callback, an OIDC login transaction lives in a cookie of the browser (login-transactions.ts),
 * not on the server; starts are counted per client here for every protocol, failures where every
 * refusal is recorded (login-finish.ts), both through sign-in-limits.ts.
 */
import express, { type Request, type Response } from 'express';
import type { UserRecord } from '../store/types.js';
import type { OidcIdentityProviderConfig, SamlIdentityProviderConfig } from '../config/schema.js';
import { JitgateError, badRequest } from '../shared/errors.js';
import { html, page } from '../shared/html.js';
import { isBindingChallenge, type AppHandoff } from './app-handoff.js';
import { missingGroupsClaim, userFromClaims } from './claims.js';
import { finishLogin, promisify, refuseLogin, type LoginFinishDeps } from './login-finish.js';
import type { LoginTransactions } from './login-transactions.js';
import { OIDC_CALLBACK_PATH, oidcCallbackUrl } from './oidc-callback.js';
import type { OidcRelyingParty } from './oidc-client.js';
import { csrfField, csrfToken, requireCsrf } from './csrf.js';
import { checkRedirect, safeRedirect, type RedirectPolicy } from './redirect.js';
import '../shared/request-id.js';
import './session-types.js';
import './mfa/mfa-session.js';

export interface OidcLoginProvider {
  config: OidcIdentityProviderConfig;
  rp: OidcRelyingParty;
}

/** A SAML IdP starts its own login (saml-login.ts); its answer comes to its own ACS route. */
export interface SamlLoginProvider {
  config: SamlIdentityProviderConfig;
  start(req: Request, res: Response, returnTo: string): Promise<void>;
}

export type LoginProvider = OidcLoginProvider | SamlLoginProvider;

export interface LoginRoutesDeps extends LoginFinishDeps {
  /** Every identity provider by id, in config order (the chooser lists them so). */
  providers: Map<string, LoginProvider>;
  portalOrigin: string;
  redirects: RedirectPolicy;
  handoff: AppHandoff;
  /** Open OIDC logins, kept in the browser between /auth/login and /auth/callback. */
  transactions: LoginTransactions;
}

const queryString = (req: Request, name: string): string | undefined => {
  const value: unknown = req.query[name];
  return typeof value === 'string' ? value : undefined;
};

export function loginRoutes(deps: LoginRoutesDeps): express.Router {
  const router = express.Router();

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
    // Counted before any protocol does work: an OIDC and a SAML start cost the same allowance.
    await deps.limits.start(req);
    if (!('rp' in provider)) return provider.start(req, res, returnTo);
    const { url, checks } = await provider.rp.start(oidcCallbackUrl(deps.portalOrigin, idpId));
    deps.transactions.start(req, res, { idp: idpId, checks, returnTo, startedAt: deps.now() });
    res.redirect(302, url);
  });

  // The bare path is what every IdP answered on before each had its own: a login started then
  // is refused below like any answer on the wrong IdP's path.
  router.get([OIDC_CALLBACK_PATH, `${OIDC_CALLBACK_PATH}/:idp`], async (req, res) => {
    await deps.limits.beforeCallback(req);
    // Cleared from the browser whatever happens next: a callback is tried once.
    const tx = deps.transactions.take(req, res, queryString(req, 'state'));
    if (!tx) {
      return refuseLogin(
        deps,
        req,
        null,
        badRequest('login_expired', 'this login is unknown, used or expired; please sign in again'),
      );
    }
    // Before any code goes anywhere: an answer on another IdP's path is an IdP passing the
    // person on to another (oidc-callback.ts), and its code must not reach this login's IdP.
    if (req.params.idp !== tx.idp) {
      return refuseLogin(
        deps,
        req,
        tx.idp,
        new JitgateError(
          401,
          'oidc_callback_mismatch',
          'the answer came back for another identity provider than this login started with; please sign in again',
        ),
      );
    }
    const provider = deps.providers.get(tx.idp);
    if (!provider || !('rp' in provider)) {
      throw badRequest('unknown_idp', 'unknown identity provider');
    }
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
      return refuseLogin(deps, req, tx.idp, error);
    }
    const noGroups = missingGroupsClaim(provider.config, claims);
    if (noGroups) deps.log.warn(noGroups, { idp: tx.idp, user: user.id, requestId: req.id });
    const next = await finishLogin(deps, req, {
      user,
      claims,
      idp: provider.config,
      returnTo: tx.returnTo,
    });
    res.redirect(302, next);
  });

  router.get('/auth/logout', (req, res) => {
    // Only someone signed in (or half-way, at MFA) gets the form: its CSRF token lives in their
    // session, and a visitor without one must not get a session just for this page.
    const signedIn = req.session.user !== undefined || req.session.mfaLogin !== undefined;
    const body = signedIn
      ? html`<h1>Sign out</h1>
          <form method="post" action="/auth/logout">
            ${csrfField(csrfToken(req))}<button type="submit">Sign out</button>
          </form>`
      : html`<h1>Signed out</h1>
          <p>You are not signed in. <a href="/">Back to jitgate</a></p>`;
    res.type('html').send(page('Sign out', body));
  });

  // The CSRF token: a page on any app host is same-site with the portal (its cookie rides
  // along under SameSite=Lax), but it cannot read the token.
  router.post('/auth/logout', requireCsrf, async (req, res) => {
    const user = req.session.user;
    // The session ends first: nobody stays signed in because the audit log could not be written.
    await promisify((cb) => req.session.destroy(cb));
    if (user) {
      deps.log.info('logout', { user: user.id, requestId: req.id });
      await deps.audit.record({ code: 'auth.logout', actor: user.id, target: user.idp });
    }
    res.redirect(303, '/');
  });

  router.get('/auth/app', async (req, res) => {
    const target = checkRedirect(queryString(req, 'rd'), deps.redirects);
    const url = target && /^https?:/.test(target) ? new URL(target) : undefined;
    if (!url) throw badRequest('invalid_redirect', 'rd must be the URL of an app jitgate fronts');
    const path = url.pathname + url.search;
    // No binding yet (a link from the portal): the app host gives the browser one first.
    const binding = queryString(req, 'bind');
    if (!isBindingChallenge(binding))
      return res.redirect(302, `${url.origin}/.jitgate/start?rd=${encodeURIComponent(path)}`);
    const user = req.session.user;
    if (!user) return res.redirect(302, `/auth/login?rd=${encodeURIComponent(req.originalUrl)}`);
    const code = await deps.handoff.issue(req.sessionID, user.id, url.origin, path, binding);
    res.redirect(302, `${url.origin}/.jitgate/auth?code=${encodeURIComponent(code)}`);
  });

  return router;
}
