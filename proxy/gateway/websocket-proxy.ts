/**
 * The only importer of http-proxy, used for WebSocket upgrades. http-proxy 1.18.1 is
 * unmaintained; this wrapper covers its known failure modes: an error on the client socket before
 * the upgrade (unhandled → process crash), no connect timeout to the upstream, upstream response
 * headers passed back unfiltered, no way to cut a live tunnel from outside, and an upstream that
 * fails before it answers (reset, closed, not HTTP, no connect) leaving the client with a dropped
 * connection instead of an HTTP answer.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';

export interface TunnelOptions {
  target: string;
  /** Complete request headers for the upstream (already stripped and injected). */
  headers: Record<string, string>;
  /** Filters the upstream's answer headers (101 or refusal) before the client sees them. */
  filterResponseHeaders(headers: Record<string, string | string[] | undefined>): void;
  /** The upstream answered: 101 with its socket (the tunnel opens), or a refusal's status. */
  onUpstreamAnswer?(status: number, upstream?: Socket): void;
  /**
   * The upstream failed before answering anything (reset, closed, not HTTP, connect timeout);
   * the client still waits for an HTTP answer on `client`: give it one (then the socket ends).
   */
  onUpstreamFailed(client: Duplex, error: Error): void;
  /** Called once when the tunnel (or the attempt) is over. */
  onClose(error?: Error): void;
}

export interface Tunnel {
  /** Ends the tunnel: a WebSocket close frame (1008, reason) to the client, then both sockets. */
  close(reason: string): void;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** An unmasked server-to-client close frame with status 1008 (policy violation). */
function closeFrame(reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 120));
  return Buffer.concat([Buffer.from([0x88, 2 + text.length, 0x03, 0xf0]), text]);
}

export function createWebSocketProxy() {
  const proxy = httpProxy.createProxyServer({ ws: true, xfwd: false, changeOrigin: false });
  const pending = new WeakMap<IncomingMessage, (upstream: Socket) => void>();
  /** Requests whose upstream answered (any status): from then on its bytes are the answer. */
  const answered = new WeakSet<IncomingMessage>();

  proxy.on('proxyReqWs', (proxyReq, req) => {
    const options = tunnelOptions.get(req);
    proxyReq.setTimeout(CONNECT_TIMEOUT_MS, () =>
      proxyReq.destroy(new Error('upstream connect timeout')),
    );
    // Registered before http-proxy's own listeners run, so headers are filtered first.
    proxyReq.on('response', (res) => {
      answered.add(req);
      options?.filterResponseHeaders(res.headers);
      options?.onUpstreamAnswer?.(res.statusCode ?? 0);
    });
    proxyReq.on('upgrade', (res, upstream) => {
      answered.add(req);
      proxyReq.setTimeout(0);
      options?.filterResponseHeaders(res.headers);
      // Before http-proxy pipes the sockets: listeners added now see every byte (see app-upgrade).
      options?.onUpstreamAnswer?.(res.statusCode ?? 101, upstream);
      pending.get(req)?.(upstream);
    });
  });
  proxy.on('error', (error, req, socket) => {
    const options = tunnelOptions.get(req);
    const client = socket && 'destroy' in socket ? (socket as Duplex) : undefined;
    options?.onClose(error);
    if (!client) return;
    // Nothing of the upstream's reached the client yet: it gets an answer, not a dropped line.
    if (options && !answered.has(req) && client.writable) {
      options.onUpstreamFailed(client, error);
      setTimeout(() => client.destroy(), 1000).unref();
    } else client.destroy();
  });

  const tunnelOptions = new WeakMap<IncomingMessage, TunnelOptions>();

  return {
    tunnel(req: IncomingMessage, socket: Duplex, head: Buffer, options: TunnelOptions): Tunnel {
      let upstream: Socket | undefined;
      let closed = false;
      const finish = (error?: Error) => {
        if (closed) return;
        closed = true;
        options.onClose(error);
      };
      tunnelOptions.set(req, { ...options, onClose: finish });
      pending.set(req, (s) => {
        upstream = s;
        s.on('close', () => {
          socket.destroy();
          finish();
        });
      });
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        upstream?.destroy();
        finish();
      });
      req.headers = options.headers;
      proxy.ws(req, socket, head, { target: options.target });
      return {
        close(reason) {
          if (upstream && socket.writable) socket.end(closeFrame(reason));
          else socket.destroy();
          upstream?.destroy();
          setTimeout(() => socket.destroy(), 1000).unref();
        },
      };
    },
    close: () => proxy.close(),
  };
}

export type WebSocketProxy = ReturnType<typeof createWebSocketProxy>;
