/**
 * WebSocket upgrades to apps: the same admission as plain requests, plus an Origin check (a page
 * on another site must not open a socket with the person's cookie), then a tunnel that is closed
 * when the grant ends.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { FrameCounter } from '../../recorder/trail/index.js';
import type { ErrorCode, StatusOf } from '../shared/error-codes.js';
import type { AppGateway, Refusal } from './app-gateway.js';
import type { AppRoute } from './app-routes.js';
import { DOT_SEGMENT_MESSAGE, hasDotSegment } from './dot-segments.js';
import type { LiveConnections } from './live-connections.js';
import type { TrailTap, WebSocketCounts } from './trail-tap.js';
import { downstreamHeaders } from './upstream-headers.js';
import type { WebSocketProxy } from './websocket-proxy.js';

/**
 * Answers an upgrade with an HTTP refusal; the code and its status go together in the error-code
 * table. `requestId` (a fault of jitgate's) finds its log line.
 */
export function refuseUpgrade<C extends ErrorCode>(
  socket: Duplex,
  status: StatusOf<C>,
  code: C,
  message: string,
  requestId?: string,
) {
  const body = JSON.stringify({ error: { code, message } });
  const id = requestId === undefined ? '' : `X-Request-Id: ${requestId}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `X-Jitgate-Error: ${code}\r\n${id}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Flat header list → object for http-proxy; repeated headers are joined as HTTP allows. */
function headerObject(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = (flat[i] ?? '').toLowerCase();
    const value = flat[i + 1] ?? '';
    out[name] =
      out[name] === undefined ? value : `${out[name]}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  return out;
}

export function createAppUpgrade(
  gateway: AppGateway,
  wsProxy: WebSocketProxy,
  live: LiveConnections,
  trail: { tap: TrailTap; now: () => number },
) {
  return async function handleUpgrade(
    route: AppRoute,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) {
    socket.on('error', () => socket.destroy());
    // Every upgrade is counted like a request, allowed or refused.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== route.origin) {
      gateway.decided(route, 'foreign_origin');
      return refuseUpgrade(socket, 403, 'foreign_origin', 'WebSocket from another origin refused');
    }
    // A WebSocket opening handshake is a GET (RFC 6455 §4.1); refused here, not by the tunnel,
    // which would only drop the connection.
    if (
      req.method !== 'GET' ||
      (req.headers.upgrade ?? '').toLowerCase() !== 'websocket' ||
      !(req.url ?? '').startsWith('/')
    ) {
      gateway.decided(route, 'bad_request');
      return refuseUpgrade(
        socket,
        400,
        'bad_request',
        'only WebSocket upgrades (GET) are supported',
      );
    }
    // The tunnel's target is the upstream URL with its path: the same rule as forward.ts.
    if (hasDotSegment(req.url ?? '')) {
      gateway.decided(route, 'bad_request');
      return refuseUpgrade(socket, 400, 'dot_segment', DOT_SEGMENT_MESSAGE);
    }
    const refuse = (refusal: Refusal) => {
      gateway.decided(route, refusal.decision);
      const code =
        refusal.decision === 'unavailable'
          ? (refusal.code ?? 'store_unavailable')
          : refusal.decision;
      refuseUpgrade(socket, refusal.status, code, refusal.message, refusal.requestId);
    };
    const admitted = await gateway.admit(route, req);
    if ('decision' in admitted) return refuse(admitted);
    // Signing the identity headers may wait: a grant that ended meanwhile refuses the upgrade as
    // if it had ended before.
    const flat = await gateway.headersFor(route, req, admitted);
    const ended = gateway.stillAdmitted(admitted);
    if (ended) return refuse(ended);
    gateway.decided(route, 'allowed');
    // Taken before the tunnel rewrites req.headers for the upstream.
    const socketTrail = trail.tap.websocket(route, req, admitted.grant, trail.now());
    const started = process.hrtime.bigint();
    let status = 0;
    let opened = false;
    // Messages both ways, from the frame headers of the bytes the tunnel pipes (its watch).
    const counts: WebSocketCounts = {
      clientToApp: new FrameCounter(),
      appToClient: new FrameCounter(),
    };
    const headers = headerObject(flat);
    headers.connection = 'Upgrade';
    headers.upgrade = 'websocket';
    let untrack = () => {};
    const tunnel = wsProxy.tunnel(req, socket, head, {
      target: route.upstream.origin + route.upstream.basePath,
      headers,
      filterResponseHeaders: (h) => {
        const kept = downstreamHeaders(h, route.rules);
        // A 101 answer must keep its hop-by-hop upgrade headers.
        if (kept['sec-websocket-accept'] !== undefined)
          Object.assign(kept, { connection: 'Upgrade', upgrade: 'websocket' });
        return kept;
      },
      watch: counts,
      onUpstreamAnswer: (answer, open) => {
        status = answer;
        if (!open) return;
        opened = true;
        // Open for as long as it lasts: its row is written now, so a crash cannot lose it.
        socketTrail.opened(trail.now());
      },
      onUpstreamFailed: (client) =>
        refuseUpgrade(
          client,
          502,
          'upstream_unavailable',
          `${route.label.name} is not answering right now. jitgate is fine; try again shortly.`,
        ),
      onClose: (error) => {
        untrack();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        // 0 (as in HAR): the client left before the app answered.
        const answered = status || (error ? 502 : 0);
        socketTrail.end(seconds, answered, opened ? counts : undefined, error !== undefined);
      },
    });
    untrack = live.track(admitted.grant.id, () => tunnel.close('access ended'));
  };
}
