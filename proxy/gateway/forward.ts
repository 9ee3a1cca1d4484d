/**
 * Forwards plain HTTP to an app over kept-alive upstream connections (undici pools; measured
 * 1.7× http-proxy here). Bodies stream both ways; nothing is buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Pool } from './undici-pool.js';
import { countedBody, type ExchangeBytes } from './exchange-bytes.js';
import { ForwardHandler } from './forward-handler.js';

export interface Upstream {
  origin: string;
  /** Path prefix of the upstream URL, without trailing slash ("" for none). */
  basePath: string;
  pool: Pool;
}

export function createUpstream(url: string): Upstream {
  const parsed = new URL(url);
  return {
    origin: parsed.origin,
    basePath: parsed.pathname.replace(/\/+$/, ''),
    pool: new Pool(parsed.origin, {
      connections: 256,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: 60_000,
      // Long downloads and event streams are legitimate; grant end cuts them instead.
      bodyTimeout: 0,
    }),
  };
}

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/*
 * The request body is handed to undici as an async iterable (exchange-bytes.ts countedBody), not
 * as the stream itself. For a stream body undici 7 adds its own 'error' listener and, when an
 * exchange whose response is already streaming gets cut (grant ended, upstream died), reports the
 * failure twice (with its stream() API, that took the whole proxy down: a null callback called
 * from a 'close' listener).
 */

export interface ForwardCallbacks {
  /** Filters response headers before they reach the client. */
  responseHeaders(
    headers: Record<string, string | string[] | undefined>,
  ): Record<string, string | string[]>;
  /** Sees each request body chunk on its way upstream (the trail's optional body capture). */
  requestChunk?: (chunk: Buffer) => void;
  /**
   * Called once the exchange is over; `error` is set when it did not end with the app's whole
   * answer written: the app failed, the client left, or the exchange was cut.
   */
  done(statusCode: number, error: Error | undefined, bytes: ExchangeBytes): void;
}

/**
 * Sends `req` upstream with `headers` and streams the answer into `res`, keeping `bytes` (status
 * and counts) current as it goes. Calls `done` once, when the exchange is over; the returned
 * function cuts it (grant revoked or expired).
 */
export function forward(
  upstream: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  headers: string[],
  bytes: ExchangeBytes,
  callbacks: ForwardCallbacks,
): () => void {
  const handler = new ForwardHandler(req, res, bytes, callbacks);
  upstream.pool.dispatch(
    {
      // Stays under the base path: paths with dot-segments were refused (dot-segments.ts).
      path: upstream.basePath + (req.url ?? '/'),
      method: req.method as 'GET',
      headers,
      // undici documents AsyncIterable bodies; its type declarations lag behind.
      body: hasBody(req)
        ? (countedBody(req, bytes, callbacks.requestChunk) as unknown as Readable)
        : null,
    },
    handler,
  );
  return () => handler.cut(new Error('exchange cut'));
}
