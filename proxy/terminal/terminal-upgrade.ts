/**
 * WebSocket endpoints of the portal host: `/terminal/:resource/ws?login=&cols=&rows=` opens a
 * session, `/sessions/:id/live` watches one (auditors and admins, read-only). Refusals are HTTP
 * answers before the upgrade: a foreign Origin (403), no session or token (401), no grant, login
 * or role (403), no recording possible (503). A browser always sends Origin, so a cookie-borne
 * upgrade without the portal's Origin is refused too; the CLI authenticates with a bearer token.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Assurance } from '../access/step-up.js';
import { refuseUpgrade } from '../gateway/app-upgrade.js';
import type { SessionUser } from '../identity/session-user.js';
import { nextRequestId } from '../shared/request-id.js';
import { JitgateError, forbidden, unauthorized } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { TerminalPeer } from './terminal-session.js';
import type { TerminalService } from './terminal-service.js';

export interface UpgradeCaller {
  user: SessionUser;
  how: 'session' | 'token';
  /** The sign-in it came with (a portal session or a token): when that ends, so does the session. */
  credential: string;
  assurance: Assurance;
}

export interface TerminalUpgradeDeps {
  portalOrigin: string;
  service: TerminalService;
  /** The caller of an upgrade: bearer token first, else the portal session cookie. */
  callerOf(req: IncomingMessage): Promise<UpgradeCaller | undefined>;
  /** Whether `user` may watch live sessions (the authorization module says: auditors, admins). */
  mayWatch(user: SessionUser): boolean;
  /** Records that `user` watches session `id` (audit `session.watched`); no record, no watch. */
  recordWatch(user: SessionUser, id: string, how: UpgradeCaller['how']): Promise<void>;
  log: Logger;
}

const OPEN = /^\/terminal\/([a-z][a-z0-9-]{0,62})\/ws$/;
const WATCH = /^\/sessions\/(ts_[A-Za-z0-9_-]{22})\/live$/;

const size = (value: string | null, fallback: number) => {
  const n = Number(value ?? fallback);
  return Number.isInteger(n) && n >= 2 && n <= 1000 ? n : fallback;
};

export function peerOf(ws: WebSocket): TerminalPeer {
  const open = () => ws.readyState === ws.OPEN;
  return {
    output: (data) => void (open() && ws.send(Buffer.from(data), { binary: true })),
    control: (message) => void (open() && ws.send(JSON.stringify(message))),
    close: () => ws.close(1000, 'session ended'),
    backlog: () => ws.bufferedAmount,
  };
}

/** Pings so a vanished client (laptop lid closed) is noticed and its session ends. */
function keepAlive(ws: WebSocket) {
  let alive = true;
  ws.on('pong', () => (alive = true));
  const timer = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, 30_000);
  timer.unref();
  ws.once('close', () => clearInterval(timer));
}

export function createTerminalUpgrade(deps: TerminalUpgradeDeps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 }); // a large paste is one message;

  const caller = async (req: IncomingMessage): Promise<UpgradeCaller> => {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== deps.portalOrigin)
      throw new JitgateError(403, 'foreign_origin', 'WebSocket from another origin refused');
    const found = await deps.callerOf(req);
    if (!found) throw unauthorized('unauthenticated', 'log in first, or send a bearer token');
    if (found.how === 'session' && origin === undefined)
      throw new JitgateError(403, 'foreign_origin', 'a browser upgrade must come from the portal');
    return found;
  };

  const open = async (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    resourceId: string,
    query: URLSearchParams,
  ) => {
    const who = await caller(req);
    const session = await deps.service.open({
      user: who.user,
      resourceId,
      login: query.get('login') ?? undefined,
      cols: size(query.get('cols'), 80),
      rows: size(query.get('rows'), 24),
      via: who.how === 'token' ? 'cli' : 'web',
      credential: who.credential,
      assurance: who.assurance,
    });
    if (socket.destroyed) return void session.end('client_closed', 'The terminal went away.');
    wss.handleUpgrade(req, socket, head, (ws) => {
      keepAlive(ws);
      session.attach(peerOf(ws));
      // Keystrokes are a byte stream: a character may be split across frames (a piped paste,
      // `jitgate ssh`'s stdin), so its bytes wait here for the rest instead of turning into U+FFFD.
      const keystrokes = new StringDecoder('utf8');
      ws.on('message', (data, binary) => {
        const bytes = Buffer.isBuffer(data)
          ? data
          : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
        if (binary) {
          const text = keystrokes.write(bytes);
          return text === '' ? undefined : session.input(text);
        }
        try {
          const message = JSON.parse(bytes.toString('utf8')) as {
            type?: unknown;
            cols?: unknown;
            rows?: unknown;
            data?: unknown;
          };
          if (message.type === 'resize')
            session.resize(size(String(message.cols), 80), size(String(message.rows), 24));
          if (message.type === 'input' && typeof message.data === 'string')
            session.input(message.data);
        } catch {
          // Not JSON: ignored, like any other message this endpoint does not know.
        }
      });
      ws.once('close', () => void session.end('client_closed', 'The terminal was closed.'));
    });
  };

  const watch = async (req: IncomingMessage, socket: Duplex, head: Buffer, id: string) => {
    const who = await caller(req);
    if (!deps.mayWatch(who.user))
      throw forbidden('auditor_required', 'live sessions are open to auditors and admins only');
    // Held here or by another live replica (then relayed through the store); refused otherwise.
    await deps.service.remote.watchable(id);
    await deps.recordWatch(who.user, id, who.how);
    wss.handleUpgrade(req, socket, head, (ws) => {
      keepAlive(ws);
      let stop: (() => void) | undefined;
      let closed = false;
      // The view lasts as long as the sign-in it was opened with (ended here or elsewhere).
      const forget = deps.service.ending.watchers.add(who.credential, who.user.id, () =>
        ws.close(1000, 'signed out'),
      );
      ws.once('close', () => {
        closed = true;
        forget();
        stop?.();
      });
      deps.service.remote.watch(id, peerOf(ws)).then(
        (stopWatching) => {
          stop = stopWatching;
          if (closed) stopWatching();
        },
        () => ws.close(1000, 'session ended'),
      );
      // Watchers are read-only: whatever they send is dropped.
    });
  };

  return {
    /** Whether this upgrade is one of ours (portal host only). */
    matches: (url: string) => {
      const path = url.split('?')[0] ?? '';
      return OPEN.test(path) || WATCH.test(path);
    },
    async handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
      socket.on('error', () => socket.destroy());
      const url = new URL(req.url ?? '/', 'http://portal');
      try {
        if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
          throw new JitgateError(400, 'bad_request', 'only WebSocket upgrades are supported');
        const opening = OPEN.exec(url.pathname);
        if (opening) return await open(req, socket, head, opening[1] ?? '', url.searchParams);
        const watching = WATCH.exec(url.pathname);
        if (watching) return await watch(req, socket, head, watching[1] ?? '');
        throw new JitgateError(404, 'not_found', 'no WebSocket endpoint here');
      } catch (error) {
        const refusal =
          error instanceof JitgateError
            ? error
            : new JitgateError(500, 'internal_error', 'internal error', { cause: error });
        const requestId = refusal.status >= 500 ? nextRequestId() : undefined;
        if (requestId !== undefined)
          deps.log.error('terminal upgrade failed', { requestId, error: refusal });
        refuseUpgrade(
          socket,
          refusal.status,
          refusal.code,
          refusal.expose ? refusal.message : 'internal error',
          requestId,
        );
      }
    },
    close: () => wss.close(),
  };
}
