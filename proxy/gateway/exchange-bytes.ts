/**
 * What the trail knows of one forwarded exchange as it goes: the upstream's status once its answer
 * began, and body byte counts, counted as cheaply as possible: the
 * request body is counted in the loop that already streams it upstream; the response body is
 * read off Content-Length when the app sends one (no per-chunk work at all), and only otherwise
 * (chunked, streamed answers) counted by wrapping the response's write.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ExchangeBytes {
  /** The upstream's status; 0 until its answer began. */
  status: number;
  in: number;
  /** -1 while (or when) not known. */
  out: number;
  /** `out` came from Content-Length, so it is only true if the response finished. */
  outFromLength: boolean;
}

export const newExchangeBytes = (): ExchangeBytes => ({
  status: 0,
  in: 0,
  out: -1,
  outFromLength: false,
});

/**
 * The request body for undici (see forward.ts for why a generator), counting bytes and showing
 * each chunk to `tap` (the trail's body capture) on the way.
 */
export async function* countedBody(
  req: IncomingMessage,
  bytes: ExchangeBytes,
  tap: ((chunk: Buffer) => void) | undefined,
): AsyncGenerator<Buffer> {
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    bytes.in += buffer.length;
    tap?.(buffer);
    yield buffer;
  }
}

/** Statuses and methods whose responses carry no body whatever Content-Length says. */
export const bodiless = (method: string | undefined, status: number) =>
  method === 'HEAD' || status < 200 || status === 204 || status === 304;

/** Sets up counting of the response body once the upstream's status and headers are in. */
export function countResponse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bytes: ExchangeBytes,
): void {
  bytes.status = status;
  if (bodiless(req.method, status)) {
    bytes.out = 0;
    return;
  }
  const length = headers['content-length'];
  if (typeof length === 'string' && /^\d+$/.test(length)) {
    bytes.out = Number(length);
    bytes.outFromLength = true;
    return;
  }
  bytes.out = 0;
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') bytes.out += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) bytes.out += chunk.length;
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
}

/**
 * The response bytes to record: a Content-Length figure is only trusted for a finished answer
 * (-1: unknown); no answer at all from the upstream is 0.
 */
export const bytesOut = (bytes: ExchangeBytes, res: ServerResponse): number =>
  bytes.outFromLength && !res.writableFinished ? -1 : Math.max(bytes.out, 0);
