/**
 * The node:http server in front of everything: app hosts go to the gateway's fast path, anything
 * else to Express. Errors in either never take the process down.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { refuseUpgrade } from '../gateway/app-upgrade.js';
import type { ErrorCode, StatusOf } from '../shared/error-codes.js';
import type { Logger } from '../shared/logger.js';
import { readinessBody, STARTING } from './readiness.js';
import { nextRequestId } from '../shared/request-id.js';

export interface Dispatch {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface HttpServer {
  server: http.Server;
  /** Installs the real handlers once jitgate is composed; until then requests get 503. */
  setDispatch(dispatch: Dispatch): void;
}

const notReady: Dispatch = {
  request: (req, res) => {
    res.writeHead(503, {
      'content-type': 'application/json',
      'retry-after': '1',
      'x-jitgate-error': 'starting' satisfies ErrorCode,
    });
    if (req.url === '/readyz') return void res.end(JSON.stringify(readinessBody([STARTING])));
    res.end(JSON.stringify({ error: STARTING }));
  },
  upgrade: (_req, socket) => socket.destroy(),
};

/** host [":" port] per RFC 3986 (reg-name, IPv4 or an IP literal in brackets). */
const HOST_VALUE = /^(?:\[[0-9a-f:.]+\]|[a-z0-9\-._~!$&'()*+,;=%]+)(?::\d{0,5})?$/i;

/**
 * The most header lines a request may have: the default limit of Envoy, Apache and HAProxy
 * (browsers send about 20). Past a limit of its own (`maxHeadersCount`, 1000 lines by default)
 * Node keeps no more lines of a request, and says nothing: a second Host line, or any header,
 * past it went unseen. So Node is told to keep at least one line more than this (it stops after
 * the batch of lines that reaches NODE_HEADER_LINES), and a request that has it is refused whole.
 */
const MAX_HEADER_LINES = 100;
const NODE_HEADER_LINES = MAX_HEADER_LINES + 1;

/**
 * RFC 9112 §3.2: a request with more than one Host line or an invalid Host value gets 400. Node
 * only refuses a missing Host; it keeps the first of several, which a proxy in front may not.
 * Only sound on a request Node kept whole (MAX_HEADER_LINES is checked first).
 */
function hasValidHost(req: IncomingMessage): boolean {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    if ((req.rawHeaders[i] ?? '').toLowerCase() === 'host') count++;
  return count === 1 && HOST_VALUE.test(req.headers.host ?? '');
}

/** A refusal at the edge, before any handler: its code and status go together in the table. */
interface EdgeRefusal {
  status: 400 | 431;
  code: ErrorCode;
  body: string;
  /** The same refusal on an upgrade's socket. */
  upgrade(socket: Duplex): void;
}

const refusal = <C extends ErrorCode>(
  status: StatusOf<C> & EdgeRefusal['status'],
  code: C,
  message: string,
): EdgeRefusal => ({
  status,
  code,
  body: JSON.stringify({ error: { code, message } }),
  upgrade: (socket) => refuseUpgrade(socket, status, code, message),
});

const BAD_HOST = refusal(400, 'bad_request', 'the Host header is missing, repeated or invalid');
const TOO_MANY_HEADERS = refusal(
  431,
  'too_many_headers',
  `more than ${MAX_HEADER_LINES} header lines`,
);

function edgeRefusal(req: IncomingMessage): EdgeRefusal | undefined {
  if (req.rawHeaders.length > 2 * MAX_HEADER_LINES) return TOO_MANY_HEADERS;
  if (!hasValidHost(req)) return BAD_HOST;
  return undefined;
}

export function createHttpServer(log: Logger): HttpServer {
  let dispatch = notReady;
  const server = http.createServer({
    requestTimeout: 0, // long uploads and streams are fine; headersTimeout guards slowloris
    headersTimeout: 20_000,
    keepAliveTimeout: 65_000,
    maxHeaderSize: 32 * 1024,
  });
  server.maxHeadersCount = NODE_HEADER_LINES;
  server.on('request', (req, res) => {
    const refused = edgeRefusal(req);
    if (refused) {
      res.shouldKeepAlive = false;
      res.writeHead(refused.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(refused.body),
        'x-jitgate-error': refused.code,
      });
      return void res.end(refused.body);
    }
    try {
      dispatch.request(req, res);
    } catch (error) {
      const requestId = nextRequestId();
      log.error('request handler threw', { requestId, error: error as Error });
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'x-jitgate-error': 'internal_error', 'x-request-id': requestId }).end();
    }
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refused = edgeRefusal(req);
    if (refused) return refused.upgrade(socket);
    try {
      dispatch.upgrade(req, socket, head);
    } catch (error) {
      log.error('upgrade handler threw', { requestId: nextRequestId(), error: error as Error });
      socket.destroy();
    }
  });
  // Without a 'connect' listener Node drops a CONNECT's connection without a word.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    refuseUpgrade(
      socket,
      400,
      'bad_request',
      'CONNECT is not served: jitgate is not a forward proxy',
    );
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const body = JSON.stringify({
      error: { code: 'bad_request' satisfies ErrorCode, message: 'malformed HTTP request' },
    });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return { server, setDispatch: (next) => (dispatch = next) };
}

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Also serves `server`'s handlers on another address (the demo adds [::1] so "localhost" works
 * wherever it resolves to IPv6 first). Resolves undefined when that address is not available.
 */
export function alsoListen(
  server: http.Server,
  port: number,
  host: string,
): Promise<http.Server | undefined> {
  const twin = http.createServer({
    headersTimeout: 20_000,
    keepAliveTimeout: 65_000,
    maxHeaderSize: 32 * 1024,
  });
  twin.maxHeadersCount = NODE_HEADER_LINES;
  twin.on('request', (req, res) => server.emit('request', req, res));
  twin.on('upgrade', (req, socket, head) => server.emit('upgrade', req, socket, head));
  twin.on('connect', (req, socket, head) => server.emit('connect', req, socket, head));
  twin.on('clientError', (error, socket) => server.emit('clientError', error, socket));
  server.once('close', () => twin.close());
  return listen(twin, port, host).then(
    () => twin,
    () => undefined,
  );
}
