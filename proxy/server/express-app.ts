/**
 * Express serves the portal, login and API only; app traffic never reaches it (see gateway/).
 * Order matters: cheap public routes first, then the session, then routes that need it.
 */
import express, { type RequestHandler } from 'express';
import session from 'express-session';
import type { Logger } from '../shared/logger.js';
import { PAGE_CSP } from '../shared/html.js';
import { errorHandler } from './error-handler.js';
import { nextRequestId } from '../shared/request-id.js';
import { JitgateError } from '../shared/errors.js';

export interface ExpressAppDeps {
  log: Logger;
  trustProxy: boolean;
  /**
   * Seconds of Strict-Transport-Security sent on https requests; undefined without secure
   * cookies (RFC 6797: never over plain http, where a browser must ignore it anyway).
   */
  hstsMaxAgeSeconds?: number;
  session: RequestHandler;
  /** Routes before the session: health, metrics, JWKS, bearer-authenticated API. */
  publicRoutes: express.Router;
  /** Routes that need the session: login, portal, API for people. */
  sessionRoutes: express.Router[];
  /** Extra mounts for the demo (the embedded IdP), outside jitgate's session. */
  mounts?: [string, RequestHandler][];
}

export function createExpressApp(deps: ExpressAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    req.id = nextRequestId();
    res.setHeader('x-request-id', req.id);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    // Without it a network attacker strips the first visit to http and serves the sign-in page.
    if (deps.hstsMaxAgeSeconds !== undefined && req.secure)
      res.setHeader('strict-transport-security', `max-age=${deps.hstsMaxAgeSeconds}`);
    next();
  });
  for (const [path, handler] of deps.mounts ?? []) app.use(path, handler);
  app.use((_req, res, next) => {
    res.setHeader('content-security-policy', PAGE_CSP);
    res.setHeader('x-frame-options', 'DENY');
    next();
  });
  // A signed SAML response with many groups outgrows 64 KiB (ADFS and Entra ID send 100 KiB+).
  app.use('/auth/saml', express.urlencoded({ extended: false, limit: '512kb' }));
  app.use(express.json({ limit: '64kb' }));
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(deps.publicRoutes);
  app.use(deps.session);
  for (const router of deps.sessionRoutes) app.use(router);
  app.use((_req, _res, next) => next(new JitgateError(404, 'not_found', 'no such page')));
  app.use(errorHandler(deps.log));
  return app;
}

export interface SessionMiddlewareOptions {
  cookieName: string;
  secrets: string[];
  store: session.Store;
  secure: boolean;
  sameSite: 'lax' | 'strict';
  trustProxy: boolean;
}

export function createSessionMiddleware(options: SessionMiddlewareOptions): RequestHandler {
  return session({
    name: options.cookieName,
    secret: options.secrets,
    store: options.store,
    resave: false,
    saveUninitialized: false,
    proxy: options.trustProxy,
    // No cookie expiry: the server ends sessions (idle and absolute limits in the store).
    cookie: { httpOnly: true, secure: options.secure, sameSite: options.sameSite, path: '/' },
  });
}
