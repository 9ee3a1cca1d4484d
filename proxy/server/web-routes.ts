/**
 * The routes behind the session middleware, in the order they must run: login, the JSON API
 * (caller first, then the CSRF check, then the audit API and the rest), the audit page, and the
 * portal pages.
 */
import express from 'express';
import { auditApiRoutes } from '../api/audit-routes.js';
import { authenticate, csrfGuard } from '../api/authenticate.js';
import type { EventStreams } from '../api/event-stream.js';
import { apiRoutes } from '../api/routes.js';
import type { Config, ResourceConfig } from '../config/schema.js';
import type { AppHandoff } from '../identity/app-handoff.js';
import { loginRoutes, type LoginProvider } from '../identity/login-routes.js';
import type { SessionUser } from '../identity/session-user.js';
import { auditPageRoutes } from '../portal/audit-page.js';
import { portalRoutes } from '../portal/pages.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { AccessWiring } from './access-wiring.js';

export interface WebRoutesDeps {
  config: Config;
  portalOrigin: string;
  store: Store;
  access: AccessWiring;
  streams: EventStreams;
  providers: Map<string, LoginProvider>;
  appOrigins: ReadonlySet<string>;
  handoff: AppHandoff;
  isAdminToken: (token: string) => boolean;
  appOrigin: (resource: ResourceConfig) => string | undefined;
  /** The user of a live portal session, read without extending it (for open streams). */
  sessionUser: (sid: string) => Promise<SessionUser | undefined>;
  log: Logger;
  now: () => number;
}

export function webRoutes(deps: WebRoutesDeps): express.Router[] {
  const { config, store, access, now } = deps;
  const auditorGroups = config.auditors.groups;
  const adminGroups = config.admins.groups;
  const api = apiRoutes({
    requests: access.requests,
    queries: access.queries,
    grantEnding: access.grantEnding,
    grants: access.grants,
    tokens: access.tokens,
    streams: deps.streams,
    users: store.users,
    resources: config.resources,
    policies: config.policies,
    adminGroups,
    isAdminToken: deps.isAdminToken,
    appOrigin: deps.appOrigin,
    endCredential: (credential) => deps.streams.endCredential(credential),
    now,
  });
  return [
    loginRoutes({
      providers: deps.providers,
      portalOrigin: deps.portalOrigin,
      redirects: {
        portalOrigin: deps.portalOrigin,
        isAppOrigin: (origin) => deps.appOrigins.has(origin),
      },
      users: store.users,
      audit: access.audit,
      handoff: deps.handoff,
      now,
      log: deps.log,
    }),
    express
      .Router()
      .use(
        '/api/v1',
        authenticate({ tokens: access.tokens, sessionUser: deps.sessionUser }),
        csrfGuard(deps.portalOrigin),
        auditApiRoutes({ audit: access.audit, auditorGroups }),
        api,
      ),
    auditPageRoutes({ audit: access.audit, auditorGroups }),
    portalRoutes({
      requests: access.requests,
      grantEnding: access.grantEnding,
      queries: access.queries,
      grants: access.grants,
      store,
      resources: config.resources,
      policies: config.policies,
      adminGroups,
      auditorGroups,
      appOrigin: deps.appOrigin,
      now,
    }),
  ];
}
