/**
 * The SAML routes of each SAML IdP: jitgate's SP metadata at /auth/saml/<id>/metadata (what the
 * IdP's admin uploads) and the assertion consumer service at /auth/saml/<id>/acs, which the
 * metadata names. Logins start at /auth/login?idp=<id> like every other (login-routes.ts), which
 * counts the start against the client's sign-in limit; refusals here count as failures.
 */
import express from 'express';
import { notFound } from '../shared/errors.js';
import { refuseLogin, type LoginFinishDeps } from './login-finish.js';
import type { SamlLogin } from './saml-login.js';

export function samlRoutes(
  logins: ReadonlyMap<string, SamlLogin>,
  deps: Pick<LoginFinishDeps, 'limits'>,
): express.Router {
  const router = express.Router();
  const unknown = () => notFound('unknown_idp', 'no SAML identity provider has this id');

  router.get('/auth/saml/:idp/metadata', (req, res) => {
    const login = logins.get(req.params.idp);
    if (!login) throw unknown();
    res.type('application/samlmetadata+xml').send(login.metadata());
  });

  router.post('/auth/saml/:idp/acs', async (req, res) => {
    // A browser posted this form: a refusal is a page the person can read, not JSON.
    res.locals.errorPage = true;
    // A client that failed too often is refused before any XML is parsed (like an OIDC callback).
    await deps.limits.beforeCallback(req);
    const login = logins.get(req.params.idp);
    if (!login) return refuseLogin(deps, req, null, unknown());
    await login.consume(req, res);
  });

  return router;
}
