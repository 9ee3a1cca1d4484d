/**
 * WebSocket upgrades to apps: the same admission as plain requests, plus an Origin check (a page
 * on another site must not open a socket with the person's cookie), then a tunnel that is closed
 * when the grant ends.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AppGateway } from './app-gateway.js';
import type { AppRoute } from './app-routes.js';
import type { LiveConnections } from './live-connections.js';
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

export function createAppUpgrade(
  gateway: AppGateway,
  wsProxy: WebSocketProxy,
  live: LiveConnections,
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
      onClose: () => untrack(),
    });
    untrack = live.track(admitted.grant.id, () => tunnel.close('access ended'));
  };
}
