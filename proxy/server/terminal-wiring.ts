/**
 * Terminals as one unit of the composition root: the SSH user CA, the recording storage and its
 * sealing key, the session service (crash-recovery.ts ends what a crash left open), the WebSocket endpoints of the
 * portal host, and the pages and API routes for people and auditors. start.ts builds it once.
 */
import { sessionCredential, tokenCredential } from '../api/authenticate.js';
import { createPublicKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Authorization } from '../access/authorization.js';
import type { GrantBook } from '../access/grant-book.js';
import { sessionApiRoutes } from '../api/session-routes.js';
import type { TokenService } from '../api/token-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import { hostnameOf } from '../gateway/app-routes.js';
import type { StepUps } from '../identity/mfa/step-up.js';
import type { PortalDeps } from '../portal/deps.js';
import { sessionPageRoutes } from '../portal/sessions-page.js';
import { terminalAssetRoutes } from '../portal/terminal-assets.js';
import { terminalPageRoutes } from '../portal/terminal-page.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { RecordingStorage, type CastFiles } from '../../recorder/asciicast/index.js';
import { recordingSigningKey } from '../terminal/recording-key.js';
import { RevocationList } from '../terminal/revocation-list.js';
import { runFolder } from '../terminal/ssh-client.js';
import { SshCertificateAuthority } from '../terminal/ssh-ca.js';
import { TerminalService } from '../terminal/terminal-service.js';
import { createTerminalUpgrade, type UpgradeCaller } from '../terminal/terminal-upgrade.js';
import type { Dispatch } from './http-server.js';
import { recordingArchive } from './recording-archive.js';
import { recordingsFolder } from './state-folders.js';

export interface TerminalWiringDeps {
  config: Config;
  stateDir: string;
  portalOrigin: string;
  store: Store;
  book: GrantBook;
  audit: AuditLog;
  /** Who may watch, terminate and read recordings (auditors and admins). */
  authorization: Authorization;
  tokens: Pick<TokenService, 'verify'>;
  /** The express-session middleware, run on upgrade requests to read the portal session. */
  session: RequestHandler;
  stepUps: Pick<StepUps, 'assuranceOf'>;
  /** Whether a sign-in still holds: sessions opened under one that ended end too. */
  signInHolds: (credential: string, userId: string) => Promise<boolean>;
  log: Logger;
  now: () => number;
  /** This process's id, on the rows of the sessions it runs. */
  instance: string;
  /** Where recordings are written (tests hand in files that fail). */
  recordingFiles?: CastFiles;
}

export type TerminalWiring = Awaited<ReturnType<typeof wireTerminals>>;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export async function wireTerminals(deps: TerminalWiringDeps) {
  const { config, store, log, now } = deps;
  const ca = await SshCertificateAuthority.open(store.settings, {
    signingGeneration: config.terminal.caSigningGeneration,
    alsoTrust: config.terminal.caAlsoTrust,
  });
  const signingKey = await recordingSigningKey(store.settings);
  const storage = new RecordingStorage({
    dir: recordingsFolder(deps.stateDir),
    signingKey,
    trustedKeys: [createPublicKey(signingKey)],
    files: deps.recordingFiles,
    now,
    archive: recordingArchive(config.storage, store, now),
    onArchiveError: (id, error) =>
      log.error('recording kept on this replica only: the store refused it', {
        recording: id,
        error: error as Error,
      }),
  });
  const revocationList = new RevocationList({
    certificates: store.sshCertificates,
    grants: store.grants,
    caKeys: () => ca.publicKeyBlobs(),
    now,
  });
  deps.book.onEnd(() => revocationList.invalidate());
  const service = new TerminalService({
    config,
    runDir: runFolder(deps.stateDir),
    onCertificateEnded: () => revocationList.invalidate(),
    store,
    book: deps.book,
    audit: deps.audit,
    ca,
    storage,
    log,
    now,
    instance: deps.instance,
    signInHolds: deps.signInHolds,
  });

  const runSession = (req: IncomingMessage) =>
    new Promise<void>((done, fail) => {
      // express-session reads the cookie from the request; the response is never written.
      void deps.session(req as Request, {} as Response, (error?: unknown) =>
        error ? fail(error instanceof Error ? error : new Error('session store failed')) : done(),
      );
    });

  const callerOf = async (req: IncomingMessage): Promise<UpgradeCaller | undefined> => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const bearer = BEARER.exec(header)?.[1];
      if (!bearer || bearer.startsWith('jga_')) return undefined;
      const token = await deps.tokens.verify(bearer);
      if (!token) return undefined;
      return {
        user: token.user,
        how: 'token',
        credential: tokenCredential(token.id),
        assurance: { mfaFresh: false },
      };
    }
    await runSession(req);
    const user = (req as Request).session?.user;
    if (!user) return undefined;
    return {
      user,
      how: 'session',
      credential: sessionCredential((req as Request).sessionID),
      assurance: deps.stepUps.assuranceOf(req as Request),
    };
  };

  const upgrade = createTerminalUpgrade({
    portalOrigin: deps.portalOrigin,
    service,
    callerOf,
    mayWatch: (user) => deps.authorization.mayWatchTerminal(user),
    recordWatch: async (user, id, how) => {
      // `data.user`: the person watched, as on every event about someone else (docs/audit.md).
      const watched = await store.terminalSessions.get(id);
      const data = { how, user: watched?.userId ?? null };
      await deps.audit.record({ code: 'session.watched', actor: user.id, target: id, data });
    },
    log,
  });
  const appHosts = new Set(config.resources.flatMap((r) => (r.kind === 'web' ? [r.host] : [])));

  return {
    ca,
    storage,
    service,
    revocationList,
    /**
     * GET /ssh/ca.pub: what targets put in TrustedUserCAKeys; GET /ssh/revoked-keys: the KRL for
     * their RevokedKeys (what `jitgate target-agent` fetches). Neither needs a login: both are
     * public keys and serial numbers.
     */
    publicRoutes: express
      .Router()
      .get('/ssh/ca.pub', (_req, res) => {
        res.type('text/plain').setHeader('cache-control', 'no-cache');
        res.send(ca.publicKeyLines().join('\n') + '\n');
      })
      .get('/ssh/revoked-keys', async (req, res) => {
        const list = await revocationList.current();
        res.setHeader('cache-control', 'no-cache').setHeader('etag', list.etag);
        if (req.headers['if-none-match'] === list.etag) return void res.status(304).end();
        res.type('application/octet-stream').send(list.bytes);
      }),
    apiRoutes: sessionApiRoutes({
      store,
      service,
      storage,
      audit: deps.audit,
      authorization: deps.authorization,
    }),
    pages: (portal: PortalDeps) => [
      terminalAssetRoutes(),
      terminalPageRoutes(portal, service),
      sessionPageRoutes(portal, {
        sessions: store.terminalSessions,
        users: store.users,
        service,
        storage,
        audit: deps.audit,
      }),
    ],
    /** Terminal upgrades on the portal host; everything else as before. */
    dispatch: (base: Dispatch): Dispatch => ({
      request: (req, res) => base.request(req, res),
      upgrade(req, socket, head) {
        if (appHosts.has(hostnameOf(req.headers.host)) || !upgrade.matches(req.url ?? ''))
          return base.upgrade(req, socket, head);
        void upgrade.handle(req, socket, head);
      },
    }),
    async close() {
      service.remote.close();
      await service.ending.closeAll();
      upgrade.close();
    },
  };
}
