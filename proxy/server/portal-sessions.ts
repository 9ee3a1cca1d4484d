/**
 * The portal's session cookie: whether cookies are Secure, and express-session over jitgate's
 * store (session-store.ts), whose ended sessions leave this replica's cache at once.
 */
import type { RequestHandler } from 'express';
import type { Config } from '../config/schema.js';
import type { SessionCache } from '../identity/session-cache.js';
import { JitgateSessionStore, type SessionLifetime } from '../identity/session-store.js';
import type { Store } from '../store/types.js';
import { createSessionMiddleware } from './express-app.js';
import { cookieNames } from '../shared/cookie-names.js';

/** Secure cookies when told so, or ("auto") when the portal is served over https. */
export const secureCookies = (config: Config, portalOrigin: string): boolean =>
  config.session.secureCookie === 'always' ||
  (config.session.secureCookie === 'auto' && portalOrigin.startsWith('https:'));

export interface PortalSessionsDeps {
  config: Config;
  secret: string;
  secure: boolean;
  store: Pick<Store, 'sessions'>;
  lifetime: SessionLifetime;
  sessions: Pick<SessionCache, 'invalidate'>;
  /** A session ended here (a logout, a new id): what was opened under it ends too. */
  onSessionEnded(sid: string): void;
}

export function portalSessionMiddleware(deps: PortalSessionsDeps): RequestHandler {
  const { config } = deps;
  const sessionStore = new JitgateSessionStore(deps.store.sessions, deps.lifetime, (sid) => {
    deps.sessions.invalidate(sid);
    deps.onSessionEnded(sid);
  });
  return createSessionMiddleware({
    cookieName: cookieNames(config.session.cookieName, deps.secure).session,
    secrets: [deps.secret],
    store: sessionStore,
    secure: deps.secure,
    sameSite: config.session.sameSite,
    trustProxy: config.server.trustProxy,
  });
}
