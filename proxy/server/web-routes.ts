/**
 * The routes behind the session middleware, in the order they must run: login, the JSON API
 * (caller first, then the CSRF check, then the audit API and the rest), the audit page, and the
 * portal pages.
 */
import type { UserRecord } from '../store/types.js';
import type { PersonSignedOut } from './person-sign-out.js';
import express from 'express';
import { auditApiRoutes } from '../api/audit-routes.js';
import { reportApiRoutes } from '../api/report-routes.js';
import { trailApiRoutes } from '../api/trail-routes.js';
import { authenticate, csrfGuard } from '../api/authenticate.js';
import type { EventStreams } from '../api/event-stream.js';
import { apiRoutes } from '../api/routes.js';
import type { Config, ResourceConfig } from '../config/schema.js';
import type { AppHandoff } from '../identity/app-handoff.js';
import { loginRoutes } from '../identity/login-routes.js';
import type { LoginTransactions } from '../identity/login-transactions.js';
import type { RedirectPolicy } from '../identity/redirect.js';
import { samlRoutes } from '../identity/saml-routes.js';
import type { SignInLimits } from '../identity/sign-in-limits.js';
import type { SessionUser } from '../identity/session-user.js';
import { auditPageRoutes } from '../portal/audit-page.js';
import { portalRoutes, type PortalDeps } from '../portal/pages.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { resourceOrigin } from '../trail/export.js';
import type { AccessWiring } from './access-wiring.js';
import { canonicalPortalHost } from './canonical-host.js';
import type { ExtensionWiring } from './extension-wiring.js';
import type { LoginWiring } from './login-wiring.js';
import type { MfaWiring } from './mfa-wiring.js';
import type { TerminalWiring } from './terminal-wiring.js';

export interface WebRoutesDeps {
  config: Config;
  portalOrigin: string;
  store: Store;
  access: AccessWiring;
  mfa: MfaWiring;
  terminals: Pick<TerminalWiring, 'apiRoutes' | 'pages' | 'publicRoutes'>;
  streams: EventStreams;
  /** A sign-in ended: everything opened or minted under it ends (start.ts). */
  endCredential: (credential: string) => void;
  logins: LoginWiring;
  redirects: RedirectPolicy;
  /** Every app origin jitgate fronts: MFA pages may send their forms on to them. */
  appOrigins: ReadonlySet<string>;
  handoff: AppHandoff;
  /** Open logins in the browser, and the per-client sign-in limits. */
  signIn: { transactions: LoginTransactions; limits: SignInLimits };
  extension: ExtensionWiring;
  isAdminToken: (token: string) => boolean;
  /** An admin's "end all sessions of this person" (person-sign-out.ts). */
  endPersonSessions: (user: UserRecord, actor: string) => Promise<PersonSignedOut>;
  appOrigin: (resource: ResourceConfig) => string | undefined;
  /** The user of a live portal session, read without extending it (for open streams). */
  sessionUser: (sid: string) => Promise<SessionUser | undefined>;
  log: Logger;
  now: () => number;
}

export function webRoutes(deps: WebRoutesDeps): express.Router[] {
  const { config, store, access, now } = deps;
  const { authorization } = access;
  const { mfa } = deps;
  const assurance = (req: express.Request) => mfa.stepUps.assuranceOf(req);
  const { redirects } = deps;
  const originOf = resourceOrigin(config.resources, deps.appOrigin);
  const api = apiRoutes({
    requests: access.requests,
    queries: access.queries,
    grantEnding: access.grantEnding,
    grants: access.grants,
    revocations: access.revocations,
    tokens: access.tokens,
    breakGlass: access.breakGlass.service,
    streams: deps.streams,
    users: store.users,
    resources: config.resources,
    policies: config.policies,
    isAdminToken: deps.isAdminToken,
    endPersonSessions: deps.endPersonSessions,
    authorization,
    appOrigin: deps.appOrigin,
    endCredential: deps.endCredential,
    assurance,
    now,
  });
  const portal: PortalDeps = {
    requests: access.requests,
    grantEnding: access.grantEnding,
    queries: access.queries,
    grants: access.grants,
    store,
    audit: access.audit,
    resources: config.resources,
    policies: config.policies,
    authorization,
    appOrigin: deps.appOrigin,
    assurance,
    mfa: { service: mfa.service, stepUps: mfa.stepUps, kinds: mfa.kinds },
    breakGlass: access.breakGlass.service,
    reports: access.reports,
    standing: access.minted.standing,
    now,
  };
  const extension = deps.extension.routes({
    appOrigin: deps.appOrigin,
    endCredential: deps.endCredential,
    stepUps: mfa.stepUps,
  });
  return [
    express.Router().use(canonicalPortalHost(deps.portalOrigin)),
    loginRoutes({
      providers: deps.logins.providers,
      portalOrigin: deps.portalOrigin,
      redirects,
      users: store.users,
      audit: access.audit,
      handoff: deps.handoff,
      transactions: deps.signIn.transactions,
      limits: deps.signIn.limits,
      now,
      log: deps.log,
      afterLogin: mfa.afterLogin,
    }),
    samlRoutes(deps.logins.saml, { limits: deps.signIn.limits }),
    mfa.routes(redirects, [...deps.appOrigins]),
    // API servers authenticate with their cluster's reviewer token, not as people.
    express.Router().use('/api/v1', access.minted.kubeRoutes),
    express.Router().use(
      '/api/v1',
      authenticate({
        tokens: access.tokens,
        sessionUser: deps.sessionUser,
        machines: access.minted.machines,
      }),
      csrfGuard(deps.portalOrigin),
      auditApiRoutes({ audit: access.audit, authorization }),
      trailApiRoutes({ store, audit: access.audit, authorization, originOf, now }),
      reportApiRoutes({
        reports: access.reports,
        standing: access.minted.standing,
        audit: access.audit,
        authorization,
        users: store.users,
        resourceIds: config.resources.map((r) => r.id),
        now,
      }),
      access.minted.apiRoutes,
      deps.terminals.apiRoutes,
      extension.api,
      api,
    ),
    access.minted.cliRoutes(mfa.stepUps),
    extension.portal,
    auditPageRoutes({ portal, audit: access.audit, requests: store.requests }),
    portalRoutes(portal),
    deps.terminals.publicRoutes,
    ...deps.terminals.pages(portal),
  ];
}
