/**
 * The composition root: builds every part from a validated config and wires them together.
 * Nothing else constructs the store, the grant book or the gateway.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import express, { type RequestHandler } from 'express';
import { GrantBook } from '../access/grant-book.js';
import { GrantService } from '../access/grant-service.js';
import { ensureAdminToken } from '../api/admin-token.js';
import { apiRoutes } from '../api/routes.js';
import type { Config, ResourceConfig } from '../config/schema.js';
import { createAppGateway } from '../gateway/app-gateway.js';
import { appOrigin, buildRoutes, hostnameOf } from '../gateway/app-routes.js';
import { AppSessionReader } from '../gateway/app-session.js';
import { createAppUpgrade, refuseUpgrade } from '../gateway/app-upgrade.js';
import { createAssertionSigner } from '../gateway/assertion.js';
import { LiveConnections } from '../gateway/live-connections.js';
import { createWebSocketProxy } from '../gateway/websocket-proxy.js';
import { signAppCookie } from '../identity/app-cookie.js';
import { AppHandoff } from '../identity/app-handoff.js';
import { loginRoutes, type LoginProvider } from '../identity/login-routes.js';
import { createOidcRelyingParty } from '../identity/oidc-client.js';
import { SessionCache } from '../identity/session-cache.js';
import { JitgateSessionStore } from '../identity/session-store.js';
import { portalRoutes } from '../portal/pages.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { createExpressApp, createSessionMiddleware } from './express-app.js';
import { createHttpServer, listen, type HttpServer } from './http-server.js';
import { createGatewayMetrics } from './metrics.js';

export interface StartOptions {
  config: Config;
  log?: Logger;
  now?: () => number;
  /** A server already listening (the demo binds first to learn its port); else one is created. */
  http?: HttpServer;
  /** Extra Express mounts outside jitgate's session (the demo IdP). */
  mounts?: [string, RequestHandler][];
}

export interface RunningJitgate {
  url: string;
  port: number;
  store: Store;
  grants: GrantService;
  close(): Promise<void>;
}

const SWEEP_MS = 250;

export async function startJitgate(options: StartOptions): Promise<RunningJitgate> {
  const { config } = options;
  const log = options.log ?? createLogger({ level: config.logging.level });
  const now = options.now ?? Date.now;
  const stateDir = resolve(config.state.dir);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });

  const httpServer = options.http ?? createHttpServer(log);
  const port = httpServer.server.listening
    ? (httpServer.server.address() as { port: number }).port
    : await listen(
        httpServer.server,
        Number(process.env.PORT ?? config.server.port),
        config.server.host,
      );
  const portalOrigin = new URL(config.server.publicUrl ?? `http://localhost:${port}`).origin;

  const store = openSqliteStore(config.storage.sqlitePath ?? resolve(stateDir, 'jitgate.db'));
  const secret = await store.settings.putIfAbsent(
    'session_secret_v1',
    randomBytes(32).toString('base64url'),
  );
  const book = new GrantBook();
  const grants = new GrantService({
    store,
    book,
    now,
    resourceExists: (id) => config.resources.some((r) => r.id === id),
  });
  await grants.load();
  const lifetime = {
    maxAgeMs: config.session.maxAge,
    idleTimeoutMs: config.session.idleTimeout,
    now,
  };
  const sessions = new SessionCache(store.sessions, lifetime);
  const live = new LiveConnections();
  book.onEnd((grant, reason) => {
    const closed = live.closeGrant(grant.id);
    log.info('grant ended', { grant: grant.id, reason, closedConnections: closed });
  });
  const sweeper = setInterval(() => book.sweep(now()), SWEEP_MS);
  const purger = setInterval(
    () => void store.sessions.purgeExpired(now()).catch(() => 0),
    10 * 60_000,
  );

  const secure =
    config.session.secureCookie === 'always' ||
    (config.session.secureCookie === 'auto' && portalOrigin.startsWith('https:'));
  const routes = buildRoutes(config, portalOrigin);
  const appOrigins = new Set([...routes.values()].map((r) => r.origin));
  const originOf = (resource: ResourceConfig) =>
    resource.kind === 'web' ? appOrigin(portalOrigin, resource.host) : undefined;
  const handoff = new AppHandoff(now);
  const signer = await createAssertionSigner({
    settings: store.settings,
    issuer: portalOrigin,
    ttlMs: config.gateway.assertionTtl,
  });
  const metrics = createGatewayMetrics({ live, sessions, book });
  const appCookieName = `${config.session.cookieName}_app`;
  const gateway = createAppGateway({
    portalOrigin,
    appCookie: {
      name: appCookieName,
      secure,
      sign: (sid, host) => signAppCookie(sid, host, secret),
    },
    appSessions: new AppSessionReader(appCookieName, () => [secret]),
    sessions,
    handoff,
    grants: book,
    signer,
    live,
    assertionHeader: config.gateway.assertionHeader,
    now,
    log,
    onDecision: metrics.decision,
    onUpstreamDone: metrics.upstream,
  });
  const wsProxy = createWebSocketProxy();
  const upgrade = createAppUpgrade(gateway, wsProxy, live);

  const providers = new Map<string, LoginProvider>(
    config.identityProviders.map((idp) => [
      idp.id,
      { config: idp, rp: createOidcRelyingParty(idp) },
    ]),
  );
  const isAdminToken = ensureAdminToken(stateDir);
  const sessionStore = new JitgateSessionStore(store.sessions, lifetime, (sid) =>
    sessions.invalidate(sid),
  );
  const publicRoutes = express.Router();
  publicRoutes.get('/healthz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  publicRoutes.get('/metrics', (_req, res) =>
    res.type('text/plain; version=0.0.4').send(metrics.render()),
  );
  publicRoutes.get('/.well-known/jwks.json', (_req, res) => res.json(signer.jwks()));
  const apiDeps = { grants, resources: config.resources, isAdminToken, appOrigin: originOf, now };
  const app = createExpressApp({
    log,
    trustProxy: config.server.trustProxy,
    session: createSessionMiddleware({
      cookieName: config.session.cookieName,
      secrets: [secret],
      store: sessionStore,
      secure,
      sameSite: config.session.sameSite,
      trustProxy: config.server.trustProxy,
    }),
    publicRoutes,
    sessionRoutes: [
      loginRoutes({
        providers,
        portalOrigin,
        redirects: { portalOrigin, isAppOrigin: (origin) => appOrigins.has(origin) },
        users: store.users,
        handoff,
        now,
        log,
      }),
      express.Router().use('/api/v1', apiRoutes(apiDeps)),
      portalRoutes(apiDeps),
    ],
    mounts: options.mounts ?? [],
  });

  httpServer.setDispatch({
    request(req, res) {
      const route = routes.get(hostnameOf(req.headers.host));
      if (!route) return void app(req, res);
      gateway.handleRequest(route, req, res).catch((error: unknown) => {
        log.error('gateway failed', { error: error as Error });
        if (!res.headersSent) res.writeHead(500, { 'x-jitgate-error': 'internal_error' }).end();
        else res.destroy();
      });
    },
    upgrade(req, socket, head) {
      const route = routes.get(hostnameOf(req.headers.host));
      if (!route) return refuseUpgrade(socket, 400, 'bad_request', 'no WebSocket endpoint here');
      upgrade(route, req, socket, head).catch(() => socket.destroy());
    },
  });
  log.info('jitgate ready', {
    url: portalOrigin,
    resources: config.resources.length,
    liveGrants: book.size,
  });

  return {
    url: portalOrigin,
    port,
    store,
    grants,
    async close() {
      clearInterval(sweeper);
      clearInterval(purger);
      wsProxy.close();
      await new Promise<void>((done) => {
        httpServer.server.close(() => done());
        httpServer.server.closeAllConnections();
      });
      await Promise.all([...routes.values()].map((r) => r.upstream.pool.close()));
      await store.close();
    },
  };
}
