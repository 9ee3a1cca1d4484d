/**
 * WebSocket upgrades to apps: the same admission as plain requests, plus an Origin check (a page
 * on another site must not open a socket with the person's cookie), then a tunnel that is closed
 * when the grant ends.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { FrameCounter } from '../../recorder/trail/index.js';
import type { AppGateway } from './app-gateway.js';
import type { AppRoute } from './app-routes.js';
import type { LiveConnections } from './live-connections.js';
import type { TrailTap, WebSocketCounts } from './trail-tap.js';
import { downstreamHeaders } from './upstream-headers.js';
import type { WebSocketProxy } from './websocket-proxy.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

export function refuseUpgrade(socket: Duplex, status: number, code: string, message: string) {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `X-Jitgate-Error: ${code}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
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

/**
 * Counts messages both ways by reading frame headers as the tunnel's bytes go by (FrameCounter):
 * extra 'data' listeners beside http-proxy's pipes, so no stream is added to the path. Attached
 * in the same turn as the pipes, before either socket flows, so no frame is missed.
 */
function countFrames(client: Duplex, upstream: Socket): WebSocketCounts {
  const counts = { clientToApp: new FrameCounter(), appToClient: new FrameCounter() };
  client.on('data', (chunk: Buffer) => counts.clientToApp.push(chunk));
  upstream.on('data', (chunk: Buffer) => counts.appToClient.push(chunk));
  return counts;
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
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== route.origin) {
      return refuseUpgrade(socket, 403, 'foreign_origin', 'WebSocket from another origin refused');
    }
    if (
      (req.headers.upgrade ?? '').toLowerCase() !== 'websocket' ||
      !(req.url ?? '').startsWith('/')
    ) {
      return refuseUpgrade(socket, 400, 'bad_request', 'only WebSocket upgrades are supported');
    }
    const admitted = await gateway.admit(route, req);
    if ('decision' in admitted) {
      const code = admitted.decision === 'unavailable' ? 'store_unavailable' : admitted.decision;
      return refuseUpgrade(socket, admitted.status, code, admitted.message);
    }
    // Taken before the tunnel rewrites req.headers for the upstream.
    const endTrail = trail.tap.websocket(route, req, admitted.grant, trail.now());
    const started = process.hrtime.bigint();
    let status = 0;
    let counts: WebSocketCounts | undefined;
    const headers = headerObject(await gateway.headersFor(route, req, admitted));
    headers.connection = 'Upgrade';
    headers.upgrade = 'websocket';
    let untrack = () => {};
    const tunnel = wsProxy.tunnel(req, socket, head, {
      target: route.upstream.origin + route.upstream.basePath,
      headers,
      filterResponseHeaders: (h) => {
        const kept = downstreamHeaders(h, route.rules);
        for (const name of Object.keys(h)) if (!(name in kept)) delete h[name];
        // A 101 answer must keep its hop-by-hop upgrade headers.
        if (h['sec-websocket-accept'] !== undefined)
          Object.assign(h, { connection: 'Upgrade', upgrade: 'websocket' });
      },
      onUpstreamAnswer: (answer, upstream) => {
        status = answer;
        if (upstream) counts = countFrames(socket, upstream);
      },
      onClose: (error) => {
        untrack();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        // 0 (as in HAR): the client left before the app answered.
        endTrail(seconds, status || (error ? 502 : 0), counts);
      },
    });
    untrack = live.track(admitted.grant.id, () => tunnel.close('access ended'));
  };
}
