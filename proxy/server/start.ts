/**
 * The composition root: builds every part from a validated config and wires them together.
 * Nothing else constructs the store, the grant book or the gateway.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { AccessEvents } from '../access/events.js';
import { isLive } from '../access/grant-book.js';
import { ensureAdminToken } from '../api/admin-token.js';
import { sessionCredential } from '../api/authenticate.js';
import { EventStreams } from '../api/event-stream.js';
import { configWarnings } from '../config/startup-warnings.js';
import { LiveConnections } from '../gateway/live-connections.js';
import { SessionCache } from '../identity/session-cache.js';
import { assertSameMfaKey } from '../identity/mfa/mfa-key-check.js';
import { createLogger } from '../shared/logger.js';
import { wireAccess } from './access-wiring.js';
import { announcedAs } from './credential-holds.js';
import { recoverAfterCrash } from './crash-recovery.js';
import { startStorePurger, startTerminalSignInCheck } from './housekeeping.js';
import { createHttpServer, listen } from './http-server.js';
import { wireMfa } from './mfa-wiring.js';
import { createPortalApp } from './portal-app.js';
import { portalSessionMiddleware, secureCookies } from './portal-sessions.js';
import { wireReplicaSync } from './replica-wiring.js';
import { wireSignIn } from './sign-in-wiring.js';
import type { RunningJitgate, StartOptions } from './start-options.js';
import { openReplicaStore } from './store-startup.js';
import { wireTerminals } from './terminal-wiring.js';
import { wireTraffic } from './traffic-wiring.js';

export type { RunningJitgate, StartOptions } from './start-options.js';

export async function startJitgate(options: StartOptions): Promise<RunningJitgate> {
  const { config } = options;
  const log = options.log ?? createLogger({ level: config.logging.level });
  const now = options.now ?? Date.now;
  // Valid but likely wrong (a group nothing can give, plain HTTP on the network): say so, start.
  for (const warning of configWarnings(config)) log.warn(`configuration: ${warning}`);
  const stateDir = resolve(config.state.dir);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const instanceDir = options.instanceDir ? resolve(options.instanceDir) : stateDir;
  mkdirSync(instanceDir, { recursive: true, mode: 0o700 });

  const httpServer = options.http ?? createHttpServer(log);
  const port = httpServer.server.listening
    ? (httpServer.server.address() as { port: number }).port
    : await listen(
        httpServer.server,
        Number(process.env.PORT ?? config.server.port),
        config.server.host,
      );
  const portalOrigin = new URL(config.server.publicUrl ?? `http://localhost:${port}`).origin;

  const started = await openReplicaStore({ config, stateDir, instanceDir, log, now });
  const { instance, secret, book } = started;
  let stopping = false;
  const live = new LiveConnections((grantId) => {
    const grant = book.get(grantId);
    return grant !== undefined && isLive(grant, now());
  });
  // Cut off from the other replicas' revokes: nothing goes on under what this one knew before.
  book.onStale(() => {
    const closed = live.closeAll();
    if (closed > 0) log.warn('grant book may be stale: open connections cut', { closed });
  });
  const events = new AccessEvents((error) => log.error('access event listener failed', { error }));
  const lifetime = {
    maxAgeMs: config.session.maxAge,
    idleTimeoutMs: config.session.idleTimeout,
    now,
  };
  const sessions = new SessionCache(started.store.sessions, lifetime);
  const access = await wireAccess({
    events,
    config,
    configSource: options.configSource ?? 'inline',
    portalOrigin,
    store: started.store,
    book,
    live,
    log,
    now,
  });
  // From here on, grants are read with the ends the store has not taken yet applied.
  const { store } = access;
  // Subscribed, then reloaded once: nothing committed since the loads above goes unheard.
  const stopReplicaSync = await wireReplicaSync({
    store,
    book,
    revocations: access.revocations,
    sessions,
    events,
    log,
    now,
  });
  const mfa = wireMfa({ config, stateDir, store, audit: access.audit, log, now, portalOrigin });
  await assertSameMfaKey(store.settings, mfa.keyCheck);
  const stopPurger = startStorePurger(store, now);

  const secure = secureCookies(config, portalOrigin);
  const { trail, credentialHolds, extension, gateway } = await wireTraffic({
    config,
    portalOrigin,
    store,
    secret,
    secure,
    sessions,
    book,
    live,
    access,
    instance: instance.id,
    log,
    now,
  });

  const redirects = {
    portalOrigin,
    isAppOrigin: (origin: string) => gateway.appOrigins.has(origin),
  };
  const signIn = await wireSignIn({
    config,
    portalOrigin,
    store,
    secret,
    secure,
    redirects,
    audit: access.audit,
    afterLogin: mfa.afterLogin,
    log,
    now,
  });
  const isAdminToken = ensureAdminToken(stateDir);
  const streams = new EventStreams({
    events: access.events,
    users: store.users,
    authorization: access.authorization,
    now,
    log,
  });
  /**
   * A sign-in ended (a logout, a revoked token, an admin ending a person's sessions): whatever
   * was opened or minted under it on this replica ends now: event streams, terminal sessions,
   * session credentials. Other replicas notice within their checks (streams, terminals) and
   * their caches' refresh (credentials).
   */
  const endCredential = (credential: string) => {
    streams.endCredential(credential);
    credentialHolds.forget(credential);
    terminals.service.ending.endCredential(credential);
  };
  const sessionMiddleware = portalSessionMiddleware({
    config,
    secret,
    secure,
    store,
    lifetime,
    sessions,
    onSessionEnded: (sid) => endCredential(sessionCredential(sid)),
  });
  const terminals = await wireTerminals({
    config,
    stateDir: instanceDir,
    portalOrigin,
    store,
    book,
    audit: access.audit,
    authorization: access.authorization,
    tokens: access.tokens,
    session: sessionMiddleware,
    stepUps: mfa.stepUps,
    signInHolds: (credential, userId) => credentialHolds.holds(credential, userId),
    log,
    now,
    instance: instance.id,
    recordingFiles: options.recordingFiles,
  });
  // Another replica's logout or token revoke reaches this one's event streams at once.
  credentialHolds.onChangedElsewhere((name) =>
    streams.recheck((credential) => name === undefined || announcedAs(credential) === name),
  );
  const stopTerminalSignInCheck = startTerminalSignInCheck({
    ending: terminals.service.ending,
    credentialHolds,
    log,
  });
  await recoverAfterCrash({
    previous: instance.previous,
    trail: store.trail,
    terminals: terminals.service.ending,
    log,
  });
  await instance.settle();
  const app = createPortalApp({
    config,
    portalOrigin,
    store,
    access,
    mfa,
    terminals,
    streams,
    endCredential,
    logins: signIn.logins,
    redirects,
    signIn: { transactions: signIn.transactions, limits: signIn.limits },
    extension,
    isAdminToken,
    appOrigin: gateway.appOrigin,
    trustProxy: config.server.trustProxy,
    hstsMaxAgeSeconds: secure ? Math.floor(config.server.hstsMaxAge / 1000) : undefined,
    session: sessionMiddleware,
    sessions,
    instance,
    stopping: () => stopping,
    gateway,
    mounts: options.mounts,
    log,
    now,
  });

  httpServer.setDispatch(terminals.dispatch(gateway.dispatch(app)));
  trail.start();
  log.info('jitgate ready', {
    url: portalOrigin,
    resources: config.resources.length,
    liveGrants: book.size,
  });

  return {
    url: portalOrigin,
    port,
    store,
    grants: access.grants,
    requests: access.requests,
    grantEnding: access.grantEnding,
    events: access.events,
    audit: access.audit,
    trail,
    terminals,
    breakGlass: access.breakGlass,
    async close() {
      // Load balancers hear it first (/readyz), then open sessions say goodbye and their
      // recordings are sealed.
      stopping = true;
      await terminals.close();
      stopReplicaSync();
      await access.stop();
      stopPurger();
      stopTerminalSignInCheck();
      streams.close();
      await new Promise<void>((done) => {
        httpServer.server.close(() => done());
        httpServer.server.closeAllConnections();
      });
      await gateway.close();
      // After the gateway: exchanges cut by the shutdown have queued their rows by now.
      await trail.close();
      // The last heartbeat: nothing is left open; the next start has nothing to end.
      await instance.stop();
      await store.close();
    },
  };
}
