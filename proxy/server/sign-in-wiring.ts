/**
 * Signing in: the identity providers' logins, the open logins kept in the browser, and one set
 * of per-client sign-in limits for every protocol: starts at /auth/login, refusals wherever a
 * login is refused (login-finish.ts), OIDC and SAML alike.
 */
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { LoginFinishDeps } from '../identity/login-finish.js';
import { LoginTransactions } from '../identity/login-transactions.js';
import type { RedirectPolicy } from '../identity/redirect.js';
import { SignInLimits } from '../identity/sign-in-limits.js';
import { clientKey } from '../shared/client-address.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { wireLogins, type LoginWiring } from './login-wiring.js';
import { cookieNames } from '../shared/cookie-names.js';

export interface SignInWiringDeps {
  config: Config;
  portalOrigin: string;
  store: Store;
  secret: string;
  secure: boolean;
  redirects: RedirectPolicy;
  audit: AuditLog;
  afterLogin: NonNullable<LoginFinishDeps['afterLogin']>;
  log: Logger;
  now: () => number;
}

export interface SignInWiring {
  logins: LoginWiring;
  transactions: LoginTransactions;
  limits: SignInLimits;
}

const rateLimitOf = (limit: { max: number; window: number }) => ({
  max: limit.max,
  windowMs: limit.window,
});

export async function wireSignIn(deps: SignInWiringDeps): Promise<SignInWiring> {
  const { config, store, audit, log, now } = deps;
  const limits = new SignInLimits({
    starts: rateLimitOf(config.rateLimits.signInStarts),
    failures: rateLimitOf(config.rateLimits.signInFailures),
    counters: store.rateLimits,
    clientOf: (req) => clientKey(req, config.server.trustProxy),
    audit,
    log,
    now,
  });
  const logins = await wireLogins({
    config,
    portalOrigin: deps.portalOrigin,
    store,
    secure: deps.secure,
    redirects: deps.redirects,
    finish: {
      users: store.users,
      audit,
      limits,
      now,
      log,
      afterLogin: deps.afterLogin,
    },
  });
  const transactions = new LoginTransactions({
    secret: deps.secret,
    cookiePrefix: cookieNames(config.session.cookieName, deps.secure).loginPrefix,
    secure: deps.secure,
    now,
  });
  return { logins, transactions, limits };
}
