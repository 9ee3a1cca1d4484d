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
import type { Duplex, Readable } from 'node:stream';
import httpProxy from 'http-proxy';

export interface TunnelOptions {
  target: string;
  /** Complete request headers for the upstream (already stripped and injected). */
  headers: Record<string, string>;
  /** The upstream's answer headers (101 or refusal) as the client may see them. */
  filterResponseHeaders(
    headers: Record<string, string | string[] | undefined>,
  ): Record<string, string | string[]>;
  /** The upstream answered: 101 (`opened`: the tunnel opens), or a refusal's status. */
  onUpstreamAnswer?(status: number, opened: boolean): void;
  /** Sees the open tunnel's bytes each way as they are piped (see tapPipe). */
  watch?: { clientToApp: ChunkSink; appToClient: ChunkSink };
  /**
   * The upstream failed before answering anything (reset, closed, not HTTP, connect timeout);
   * the client still waits for an HTTP answer on `client`: give it one (then the socket ends).
   */
  onUpstreamFailed(client: Duplex, error: Error): void;
  /** Called once when the tunnel (or the attempt) is over. */
  onClose(error?: Error): void;
}

export interface ChunkSink {
  push(chunk: Buffer): void;
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

/**
 * Hands `sink` every chunk piped into `dest`, from the moment http-proxy pipes it, so the sink sees
 * exactly what the pipe carries and takes nothing from it. Not sooner: http-proxy unshifts the
 * bytes that came with the app's 101 (its first message, often) just before piping, and a stream
 * that already flows with an empty buffer hands an unshifted chunk straight to the 'data'
 * listeners it has, so a listener added earlier took those bytes away from the client.
 */
function tapPipe(dest: Duplex, sink: ChunkSink): void {
  dest.once('pipe', (source: Readable) => source.on('data', (chunk: Buffer) => sink.push(chunk)));
}

export function createWebSocketProxy() {
  const proxy = httpProxy.createProxyServer({ ws: true, xfwd: false, changeOrigin: false });
  const pending = new WeakMap<IncomingMessage, (upstream: Socket) => void>();
  /** Requests whose upstream answered (any status): from then on its bytes are the answer. */
  const answered = new WeakSet<IncomingMessage>();

  proxy.on('proxyReqWs', (proxyReq, req, client) => {
    const options = tunnelOptions.get(req);
    proxyReq.setTimeout(CONNECT_TIMEOUT_MS, () =>
      proxyReq.destroy(new Error('upstream connect timeout')),
    );
    // Registered before http-proxy's own listeners run, so headers are filtered first (it writes
    // the answer's head from res.headers).
    proxyReq.on('response', (res) => {
      answered.add(req);
      if (options) res.headers = options.filterResponseHeaders(res.headers);
      options?.onUpstreamAnswer?.(res.statusCode ?? 0, false);
    });
    proxyReq.on('upgrade', (res, upstream) => {
      answered.add(req);
      proxyReq.setTimeout(0);
      // http-proxy writes the 101 from res.headers: replaced whole, by what the filter kept.
      if (options) res.headers = options.filterResponseHeaders(res.headers);
      options?.onUpstreamAnswer?.(res.statusCode ?? 101, true);
      if (options?.watch) {
        tapPipe(client, options.watch.appToClient);
        tapPipe(upstream, options.watch.clientToApp);
      }
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
