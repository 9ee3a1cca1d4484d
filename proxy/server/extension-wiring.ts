/**
 * The browser extension's side of the proxy as one unit of the composition root: its sign-in
 * (connect page, token endpoint), the session credentials the gateway accepts beside the app
 * cookie, and per-grant form logins. traffic-wiring.ts builds it before the gateway, which needs
 * the credentials; web-routes.ts mounts its routes once the app origins are known.
 */
import { liveSessionOf } from '../identity/mint-under-sign-in.js';
import type express from 'express';
import type { GrantBook } from '../access/grant-book.js';
import { ExtensionLogins } from '../api/extension-logins.js';
import {
  extensionApiRoutes,
  extensionConnectRoutes,
  type ExtensionRoutesDeps,
} from '../api/extension-routes.js';
import { grantCredentialRoutes } from '../api/grant-credential-routes.js';
import type { TokenService } from '../api/token-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config, ResourceConfig } from '../config/schema.js';
import { createFormCredentials } from '../credentials/form-credentials.js';
import { createGrantCredentials, type GrantCredentials } from '../gateway/grant-credentials.js';
import type { CredentialHolds } from './credential-holds.js';
import type { Store } from '../store/types.js';

export interface ExtensionWiringDeps {
  config: Config;
  secret: string;
  book: Pick<GrantBook, 'findLiveById'>;
  store: Pick<Store, 'tokens' | 'oneTimeCodes' | 'rateLimits' | 'sessions'>;
  tokens: TokenService;
  audit: Pick<AuditLog, 'record'>;
  /** Whether the sign-in a session credential was minted under still holds. */
  credentialHolds: Pick<CredentialHolds, 'holds'>;
  now: () => number;
}

export interface ExtensionRoutes {
  /** Behind the session: the connect page. */
  portal: express.Router;
  /** Under /api/v1: token, sign-out, session and form credentials. */
  api: express.Router[];
}

export interface ExtensionWiring {
  grantCredentials: GrantCredentials;
  routes(deps: {
    appOrigin: (resource: ResourceConfig) => string | undefined;
    endCredential: (credential: string) => void;
    stepUps: ExtensionRoutesDeps['stepUps'];
  }): ExtensionRoutes;
}

export function wireExtension(deps: ExtensionWiringDeps): ExtensionWiring {
  const grantCredentials = createGrantCredentials({
    secret: deps.secret,
    book: deps.book,
    holds: (credential, userId) => deps.credentialHolds.holds(credential, userId),
  });
  const formCredentials = createFormCredentials({ secret: deps.secret, book: deps.book });
  const logins = new ExtensionLogins({
    tokens: deps.tokens,
    tokenRecord: (id) => deps.store.tokens.get(id),
    codes: deps.store.oneTimeCodes,
    counters: deps.store.rateLimits,
    maxLifetimeMs: deps.config.session.maxAge,
    now: deps.now,
  });
  return {
    grantCredentials,
    routes({ appOrigin, endCredential, stepUps }) {
      const liveSession = liveSessionOf(deps.store.sessions, deps.now);
      const routeDeps = { logins, tokens: deps.tokens, endCredential, stepUps, liveSession };
      return {
        portal: extensionConnectRoutes(routeDeps),
        api: [
          extensionApiRoutes(routeDeps),
          grantCredentialRoutes({
            grantCredentials,
            formCredentials,
            resources: deps.config.resources,
            appOrigin,
            audit: deps.audit,
            now: deps.now,
          }),
        ],
      };
    },
  };
}
