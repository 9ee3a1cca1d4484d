/**
 * The Express app of the portal, login and API (express-app.ts): the public routes for machines
 * (health, readiness, metrics, keys), then the routes behind the session (web-routes.ts).
 */
import type { RequestHandler } from 'express';
import type express from 'express';
import type { SessionCache } from '../identity/session-cache.js';
import { sessionUserFromJson } from '../identity/session-user.js';
import type { Logger } from '../shared/logger.js';
import { createExpressApp } from './express-app.js';
import type { Instance } from './instance.js';
import { endPersonSessions } from './person-sign-out.js';
import { publicRoutes } from './public-routes.js';
import { readinessCheck } from './readiness.js';
import { webRoutes, type WebRoutesDeps } from './web-routes.js';

export interface PortalAppDeps extends Omit<
  WebRoutesDeps,
  'endPersonSessions' | 'sessionUser' | 'appOrigins' | 'handoff'
> {
  trustProxy: boolean;
  /** Strict-Transport-Security's max-age on https, when cookies are secure (express-app.ts). */
  hstsMaxAgeSeconds?: number;
  session: RequestHandler;
  sessions: Pick<SessionCache, 'invalidate'>;
  instance: Pick<Instance, 'writeProbe'>;
  /** True once close() began: load balancers hear it at /readyz. */
  stopping: () => boolean;
  gateway: {
    appOrigins: ReadonlySet<string>;
    handoff: WebRoutesDeps['handoff'];
    metrics: { render(): string };
    signer: { jwks(): unknown };
  };
  /** Extra mounts outside jitgate's session (the demo IdP). */
  mounts?: [string, RequestHandler][];
  log: Logger;
}

export function createPortalApp(deps: PortalAppDeps): express.Express {
  const { store, access, gateway, endCredential, now } = deps;
  return createExpressApp({
    log: deps.log,
    trustProxy: deps.trustProxy,
    hstsMaxAgeSeconds: deps.hstsMaxAgeSeconds,
    session: deps.session,
    publicRoutes: publicRoutes({
      store,
      readiness: readinessCheck({
        writeProbe: () => deps.instance.writeProbe(),
        stopping: deps.stopping,
        current: () => store.changes.isCurrent(),
      }),
      metrics: {
        render: () =>
          gateway.metrics.render() +
          access.breakGlass.renderMetrics() +
          access.minted.renderMetrics(),
      },
      signer: gateway.signer,
    }),
    sessionRoutes: webRoutes({
      ...deps,
      appOrigins: gateway.appOrigins,
      handoff: gateway.handoff,
      endPersonSessions: (user, actor) =>
        endPersonSessions(
          {
            store,
            audit: access.audit,
            invalidateSession: (sid) => deps.sessions.invalidate(sid),
            endCredential,
            now,
          },
          user,
          actor,
        ),
      // Streams ask the store, not the session cache: asking must not keep an idle session alive.
      sessionUser: async (sid) => {
        const row = await store.sessions.get(sid);
        return row && row.expiresAt > now() ? sessionUserFromJson(row.data) : undefined;
      },
    }),
    mounts: [['/ssh/standing-report', access.minted.standingReportRoute], ...(deps.mounts ?? [])],
  });
}
