/**
 * Forwards plain HTTP to an app over kept-alive upstream connections (undici pools; measured
 * 1.7× http-proxy here). Bodies stream both ways; nothing is buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import { CutSignal } from './cut-signal.js';
import { countedBody, countResponse, type ExchangeBytes } from './exchange-bytes.js';

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
 * failure twice; the second report leaves its response handler calling a null callback from a
 * 'close' listener: an uncaught exception that takes the whole proxy down.
 */

export interface ForwardCallbacks {
  /** Filters response headers before they reach the client. */
  responseHeaders(
    headers: Record<string, string | string[] | undefined>,
  ): Record<string, string | string[]>;
  /** Sees each request body chunk on its way upstream (the trail's optional body capture). */
  requestChunk?: (chunk: Buffer) => void;
  /** Called once the exchange is over; `error` is set when the upstream failed. */
  done(statusCode: number, error: Error | undefined, bytes: ExchangeBytes): void;
}

/**
 * Sends `req` upstream with `headers` and streams the answer into `res`, keeping `bytes` (status
 * and counts) current as it goes. Calls `done` when the exchange is over; the returned abort
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
  const signal = new CutSignal();
  // Only a response that did not finish means the client went away; aborting after every normal
  // response cost ~15% of the proxy's CPU (each abort builds a DOMException and fires events).
  const onClose = () => {
    if (!res.writableFinished) signal.cut();
  };
  res.once('close', onClose);
  upstream.pool
    .stream(
      {
        path: upstream.basePath + (req.url ?? '/'),
        method: req.method as 'GET',
        headers,
        // undici documents AsyncIterable bodies; its type declarations lag behind.
        body: hasBody(req)
          ? (countedBody(req, bytes, callbacks.requestChunk) as unknown as Readable)
          : null,
        signal,
        opaque: res,
      },
      ({ statusCode, headers: responseHeaders, opaque }) => {
        countResponse(req, opaque, statusCode, responseHeaders, bytes);
        opaque.writeHead(statusCode, callbacks.responseHeaders(responseHeaders));
        return opaque;
      },
    )
    .then(
      () => callbacks.done(bytes.status, undefined, bytes),
      (error: Error) => {
        res.off('close', onClose);
        callbacks.done(bytes.status || 502, error, bytes);
      },
    );
  return () => {
    signal.cut();
    res.destroy();
  };
}
