/**
 * The composition root: builds every part from a validated config and wires them together.
 * Nothing else constructs the store, the grant book or the gateway.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RequestHandler } from 'express';
import { AccessEvents } from '../access/events.js';
import { GrantBook } from '../access/grant-book.js';
import type { GrantEnding } from '../access/grant-ending.js';
import type { GrantService } from '../access/grant-service.js';
import type { RequestService } from '../access/request-service.js';
import { ensureAdminToken } from '../api/admin-token.js';
import { sessionCredential } from '../api/authenticate.js';
import { EventStreams } from '../api/event-stream.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import { configWarnings } from '../config/startup-warnings.js';
import { LiveConnections } from '../gateway/live-connections.js';
import { LoginTransactions } from '../identity/login-transactions.js';
import { SessionCache } from '../identity/session-cache.js';
import { JitgateSessionStore } from '../identity/session-store.js';
import { sessionUserFromJson } from '../identity/session-user.js';
import { SignInLimits } from '../identity/sign-in-limits.js';
import { assertSameMfaKey } from '../identity/mfa/mfa-key-check.js';
import { clientKey } from '../shared/client-address.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import type { CastFiles } from '../../recorder/asciicast/index.js';
import { createTrailService, type TrailService } from '../trail/trail-service.js';
import { wireAccess } from './access-wiring.js';
import type { BreakGlassWiring } from './break-glass-wiring.js';
import { recoverAfterCrash } from './crash-recovery.js';
import { createExpressApp, createSessionMiddleware } from './express-app.js';
import { wireExtension } from './extension-wiring.js';
import { wireGateway } from './gateway-wiring.js';
import { createHttpServer, listen, type HttpServer } from './http-server.js';
import { Instance } from './instance.js';
import { createCredentialHolds } from './credential-holds.js';
import { endPersonSessions } from './person-sign-out.js';
import { wireLogins } from './login-wiring.js';
import { wireMfa } from './mfa-wiring.js';
import { wireTerminals, type TerminalWiring } from './terminal-wiring.js';
import { publicRoutes } from './public-routes.js';
import { readinessCheck } from './readiness.js';
import { wireReplicaSync } from './replica-wiring.js';
import { webRoutes } from './web-routes.js';

/** How often terminal sessions check that the sign-in they were opened with still holds. */
const TERMINAL_SIGN_IN_CHECK_MS = 5_000;

const rateLimitOf = (limit: { max: number; window: number }) => ({
  max: limit.max,
  windowMs: limit.window,
});

export interface StartOptions {
  config: Config;
  log?: Logger;
  now?: () => number;
  /** A server already listening (the demo binds first to learn its port); else one is created. */
  http?: HttpServer;
  /** Extra Express mounts outside jitgate's session (the demo IdP). */
  mounts?: [string, RequestHandler][];
  /** Where the config came from (a file path, "demo"); recorded in the config.loaded event. */
  configSource?: string;
  /** Where terminal recordings are written (tests hand in files that fail on cue). */
  recordingFiles?: CastFiles;
  /**
   * The folder of this process's own files (its instance id, in-progress recordings, ssh-run);
   * default the state folder. Workers on one state folder each have one (workers.ts), kept
   * across restarts so a replacement ends what the worker before it left open.
   */
  instanceDir?: string;
}

export interface RunningJitgate {
  url: string;
  port: number;
  store: Store;
  grants: GrantService;
  requests: RequestService;
  grantEnding: GrantEnding;
  events: AccessEvents;
  audit: AuditLog;
  /** The web session trail: write what is queued now; run retention now. */
  trail: Pick<TrailService, 'flush' | 'retention'>;
  /** The SSH user CA, recordings and terminal sessions. */
  terminals: Pick<TerminalWiring, 'ca' | 'storage' | 'service'>;
  /** Break-glass grants; `sweep()` flags overdue reviews now. */
  breakGlass: Pick<BreakGlassWiring, 'service' | 'sweep'>;
  close(): Promise<void>;
}

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

  const rawStore = await openStore(config.storage, stateDir, { log });
  // This process's id and heartbeat; a store that cannot be written stops start-up here.
  const instance = await Instance.start({ store: rawStore, stateDir: instanceDir, log, now });
  let stopping = false;
  const secret = await rawStore.settings.putIfAbsent(
    'session_secret_v1',
    randomBytes(32).toString('base64url'),
  );
  // LISTEN before anything is loaded: no change committed after the loads below goes unheard.
  await rawStore.changes.start();
  const book = new GrantBook(() => rawStore.changes.isCurrent());
  const live = new LiveConnections();
  const events = new AccessEvents((error) => log.error('access event listener failed', { error }));
  const lifetime = {
    maxAgeMs: config.session.maxAge,
    idleTimeoutMs: config.session.idleTimeout,
    now,
  };
  const sessions = new SessionCache(rawStore.sessions, lifetime);
  const access = await wireAccess({
    events,
    config,
    configSource: options.configSource ?? 'inline',
    portalOrigin,
    store: rawStore,
    book,
    live,
    log,
    now,
  });
  // From here on, grants are read with the ends the store has not taken yet applied.
  const { store } = access;
  // Subscribed, then reloaded once: nothing committed since the loads above goes unheard.
  const stopReplicaSync = await wireReplicaSync({ store, book, sessions, events, log, now });
  const mfa = wireMfa({ config, stateDir, store, audit: access.audit, log, now, portalOrigin });
  await assertSameMfaKey(store.settings, mfa.keyCheck);
  const purger = setInterval(() => {
    void store.sessions.purgeExpired(now()).catch(() => 0);
    void store.saml.purgeExpired(now()).catch(() => 0);
    void store.oneTimeCodes.purgeExpired(now()).catch(() => 0);
    void store.rateLimits.purgeExpired(now()).catch(() => 0);
    void store.terminalRelay.purgeStops(now()).catch(() => 0);
  }, 10 * 60_000);

  const secure =
    config.session.secureCookie === 'always' ||
    (config.session.secureCookie === 'auto' && portalOrigin.startsWith('https:'));
  const trail = createTrailService({
    store,
    audit: access.audit,
    resources: config.resources,
    now,
    log,
  });
  const credentialHolds = createCredentialHolds({
    sessions,
    tokenLive: (id) => access.tokens.stillLive(id),
    now,
  });
  const extension = wireExtension({
    config,
    secret,
    book,
    store,
    tokens: access.tokens,
    audit: access.audit,
    credentialHolds,
    now,
  });
  const gateway = await wireGateway({
    config,
    portalOrigin,
    grantCredentials: extension.grantCredentials,
    store,
    secret,
    secure,
    sessions,
    book,
    live,
    trail,
    instance: instance.id,
    revocations: access.revocations,
    log,
    now,
  });

  const redirects = {
    portalOrigin,
    isAppOrigin: (origin: string) => gateway.appOrigins.has(origin),
  };
  // One set of per-client sign-in limits for every protocol: starts at /auth/login, refusals
  // wherever a login is refused (login-finish.ts), OIDC and SAML alike.
  const signInLimits = new SignInLimits({
    starts: rateLimitOf(config.rateLimits.signInStarts),
    failures: rateLimitOf(config.rateLimits.signInFailures),
    counters: store.rateLimits,
    clientOf: (req) => clientKey(req, config.server.trustProxy),
    audit: access.audit,
    log,
    now,
  });
  const logins = await wireLogins({
    config,
    portalOrigin,
    store,
    secure,
    redirects,
    finish: {
      users: store.users,
      audit: access.audit,
      limits: signInLimits,
      now,
      log,
      afterLogin: mfa.afterLogin,
    },
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
  const sessionStore = new JitgateSessionStore(store.sessions, lifetime, (sid) => {
    sessions.invalidate(sid);
    endCredential(sessionCredential(sid));
  });
  const sessionMiddleware = createSessionMiddleware({
    cookieName: config.session.cookieName,
    secrets: [secret],
    store: sessionStore,
    secure,
    sameSite: config.session.sameSite,
    trustProxy: config.server.trustProxy,
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
    log,
    now,
    instance: instance.id,
    recordingFiles: options.recordingFiles,
  });
  // Logouts on other replicas reach the terminal sessions running here.
  const terminalSignInCheck = setInterval(
    () =>
      void terminals.service.ending
        .checkCredentials((credential, userId) => credentialHolds.holds(credential, userId))
        .catch((error: unknown) => log.error('terminal sign-in check failed', { error })),
    TERMINAL_SIGN_IN_CHECK_MS,
  );
  terminalSignInCheck.unref();
  await recoverAfterCrash({
    previous: instance.previous,
    trail: store.trail,
    terminals: terminals.service.ending,
    log,
  });
  await instance.settle();
  const app = createExpressApp({
    log,
    trustProxy: config.server.trustProxy,
    session: sessionMiddleware,
    publicRoutes: publicRoutes({
      store,
      readiness: readinessCheck({
        writeProbe: () => instance.writeProbe(),
        stopping: () => stopping,
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
      config,
      portalOrigin,
      store,
      access,
      mfa,
      terminals,
      streams,
      endCredential,
      logins,
      redirects,
      appOrigins: gateway.appOrigins,
      handoff: gateway.handoff,
      signIn: {
        transactions: new LoginTransactions({
          secret,
          cookieName: config.session.cookieName,
          secure,
          now,
        }),
        limits: signInLimits,
      },
      extension,
      isAdminToken,
      endPersonSessions: (user, actor) =>
        endPersonSessions(
          {
            store,
            audit: access.audit,
            invalidateSession: (sid) => sessions.invalidate(sid),
            endCredential,
            now,
          },
          user,
          actor,
        ),
      appOrigin: gateway.appOrigin,
      // Streams ask the store, not the session cache: asking must not keep an idle session alive.
      sessionUser: async (sid) => {
        const row = await store.sessions.get(sid);
        return row && row.expiresAt > now() ? sessionUserFromJson(row.data) : undefined;
      },
      log,
      now,
    }),
    mounts: [
      ['/ssh/standing-report', access.minted.standingReportRoute],
      ...(options.mounts ?? []),
    ],
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
      clearInterval(purger);
      clearInterval(terminalSignInCheck);
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
