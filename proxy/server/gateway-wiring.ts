/**
 * The app gateway as one unit of the composition root: routes by host, the app cookie and the
 * portal → app handoff, identity assertions, WebSocket upgrades, and the dispatch that sends app
 * hosts to the gateway's fast path and everything else to Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GrantBook } from '../access/grant-book.js';
import type { PendingRevocations } from '../access/pending-revocations.js';
import type { Config, ResourceConfig } from '../config/schema.js';
import { createAppGateway } from '../gateway/app-gateway.js';
import { appOrigin, buildRoutes, hostnameOf } from '../gateway/app-routes.js';
import { AppSessionReader } from '../gateway/app-session.js';
import { createAppUpgrade, refuseUpgrade } from '../gateway/app-upgrade.js';
import { createHandoffEndpoints } from '../gateway/handoff-endpoints.js';
import { createAssertionSigner } from '../gateway/assertion.js';
import type { GrantCredentials } from '../gateway/grant-credentials.js';
import type { LiveConnections } from '../gateway/live-connections.js';
import { createTrailTap, LONG_EXCHANGE_MS } from '../gateway/trail-tap.js';
import { createWebSocketProxy } from '../gateway/websocket-proxy.js';
import { signAppCookie } from '../identity/app-cookie.js';
import { AppHandoff } from '../identity/app-handoff.js';
import type { SessionCache } from '../identity/session-cache.js';
import type { ErrorCode } from '../shared/error-codes.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { TrailService } from '../trail/trail-service.js';
import type { Dispatch } from './http-server.js';
import { createGatewayMetrics } from './metrics.js';
import { nextRequestId } from '../shared/request-id.js';
import { cookieNames } from '../shared/cookie-names.js';

export interface GatewayWiringDeps {
  config: Config;
  portalOrigin: string;
  /** The extension's session credentials, accepted beside the app cookie. */
  grantCredentials: GrantCredentials;
  store: Store;
  secret: string;
  secure: boolean;
  sessions: SessionCache;
  book: GrantBook;
  live: LiveConnections;
  /** Where the gateway queues trail rows. */
  trail: Pick<TrailService, 'push' | 'stats'>;
  /** This process's id: the key of the trail rows it writes while exchanges are open. */
  instance: string;
  /** Grant ends waiting for the store, for /metrics. */
  revocations: Pick<PendingRevocations, 'size' | 'refusedWrites'>;
  log: Logger;
  now: () => number;
}

export async function wireGateway(deps: GatewayWiringDeps) {
  const { config, portalOrigin, secret, log } = deps;
  const routes = buildRoutes(config, portalOrigin);
  const appOrigins = new Set([...routes.values()].map((r) => r.origin));
  const handoff = new AppHandoff(
    { codes: deps.store.oneTimeCodes, counters: deps.store.rateLimits },
    deps.now,
  );
  const signer = await createAssertionSigner({
    settings: deps.store.settings,
    issuer: portalOrigin,
    ttlMs: config.gateway.assertionTtl,
  });
  const metrics = createGatewayMetrics({
    live: deps.live,
    sessions: deps.sessions,
    book: deps.book,
    trail: deps.trail,
    revocations: deps.revocations,
  });
  const trailTap = createTrailTap(deps.trail.push, deps.instance);
  // Long exchanges get their trail row while still open (a crash then loses at most ~2 s).
  const sweeper = setInterval(() => trailTap.sweep(deps.now()), LONG_EXCHANGE_MS).unref();
  const cookies = cookieNames(config.session.cookieName, deps.secure);
  const handoffEndpoints = createHandoffEndpoints({
    portalOrigin,
    handoff,
    appCookie: {
      name: cookies.app,
      secure: deps.secure,
      sign: (sid, host) => signAppCookie(sid, host, secret),
    },
    bindingCookie: cookies.bind,
  });
  const gateway = createAppGateway({
    portalOrigin,
    appSessions: new AppSessionReader(cookies.app, () => [secret]),
    sessions: deps.sessions,
    handoff: handoffEndpoints,
    grants: deps.book,
    credentials: deps.grantCredentials,
    signer,
    live: deps.live,
    assertionHeader: config.gateway.assertionHeader,
    trail: trailTap,
    now: deps.now,
    log,
    onDecision: metrics.decision,
    onUpstreamDone: metrics.upstream,
  });
  const wsProxy = createWebSocketProxy();
  const upgrade = createAppUpgrade(gateway, wsProxy, deps.live, { tap: trailTap, now: deps.now });

  /** App hosts take the gateway's fast path; anything else goes to `app` (Express). */
  const dispatch = (app: (req: IncomingMessage, res: ServerResponse) => unknown): Dispatch => ({
    request(req, res) {
      const route = routes.get(hostnameOf(req.headers.host));
      if (!route) return void app(req, res);
      const failed = (error: unknown) => {
        const requestId = nextRequestId();
        log.error('gateway failed', { requestId, resource: route.resource.id, error });
        if (res.headersSent) return res.destroy();
        res.writeHead(500, {
          'x-jitgate-error': 'internal_error' satisfies ErrorCode,
          'x-request-id': requestId,
        });
        res.end();
      };
      // Most requests are handled within this call; only one that waited returns a promise.
      try {
        gateway.handleRequest(route, req, res)?.catch(failed);
      } catch (error) {
        failed(error);
      }
    },
    upgrade(req, socket, head) {
      const route = routes.get(hostnameOf(req.headers.host));
      if (!route) return refuseUpgrade(socket, 400, 'bad_request', 'no WebSocket endpoint here');
      upgrade(route, req, socket, head).catch((error: unknown) => {
        const requestId = nextRequestId();
        log.error('gateway upgrade failed', { requestId, resource: route.resource.id, error });
        if (socket.writable)
          refuseUpgrade(socket, 500, 'internal_error', 'internal error', requestId);
        socket.destroy();
      });
    },
  });

  return {
    appOrigins,
    appOrigin: (resource: ResourceConfig) =>
      resource.kind === 'web' ? appOrigin(portalOrigin, resource.host) : undefined,
    handoff,
    signer,
    metrics,
    dispatch,
    async close() {
      clearInterval(sweeper);
      metrics.stop();
      wsProxy.close();
      await Promise.all([...routes.values()].map((r) => r.upstream.pool.close()));
    },
  };
}
