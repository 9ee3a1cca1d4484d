/**
 * Low-level helpers for integration tests: bounded polling, raw TCP exchanges (for requests no
 * HTTP client will send), WebSocket clients that reach app hosts on 127.0.0.1 with their Host.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { WebSocket } from 'ws';

/** Polls `check` until it returns a value other than undefined/false, or fails at the deadline. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Writes `data` to 127.0.0.1:`port` and returns everything the server sent until it closed the
 * connection (or `timeoutMs` passed, then the socket is destroyed and what arrived is returned).
 */
export async function rawExchange(
  port: number,
  data: string | Buffer,
  timeoutMs = 3000,
): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  socket.write(data);
  await once(socket, 'close');
  clearTimeout(timer);
  return Buffer.concat(chunks).toString('latin1');
}

/** The status code of the first HTTP answer in a raw reply, or 0 when there is none. */
export function statusOf(reply: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(reply);
  return match?.[1] ? Number(match[1]) : 0;
}

/** The express-session id inside a `jitgate_session` cookie value (`s:<sid>.<signature>`). */
export function sessionIdOf(cookieValue: string): string {
  const decoded = decodeURIComponent(cookieValue);
  if (!decoded.startsWith('s:')) throw new Error(`not a signed session cookie: ${cookieValue}`);
  return decoded.slice(2, decoded.lastIndexOf('.'));
}

export interface WsAttempt {
  ws: WebSocket;
  /** Resolves with 'open', or with the HTTP status the upgrade was refused with. */
  outcome: Promise<'open' | number>;
}

/** Opens a WebSocket to an app origin (http://app.localhost:PORT) through 127.0.0.1. */
export function appWebSocket(
  appOrigin: string,
  path: string,
  headers: Record<string, string>,
): WsAttempt {
  const { port, host } = new URL(appOrigin);
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { host, ...headers } });
  const outcome = new Promise<'open' | number>((resolve, reject) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    // Kept for the socket's whole life: a late error must not become an unhandled 'error' event.
    ws.on('error', reject);
  });
  return { ws, outcome };
}

/** One raw HTTP/1.1 request for `burst`: method, full URL (its host is sent as Host), headers. */
export interface BurstRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends requests that are truly concurrent: every connection is open before any request is
 * written, then all are written in the same turn, so the server reads them together and each
 * request's awaits interleave with the others'. Returns each raw answer, in order.
 */
export async function burst(port: number, requests: readonly BurstRequest[]): Promise<string[]> {
  const sockets = await Promise.all(
    requests.map(async () => {
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      return socket;
    }),
  );
  const answers = sockets.map((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => socket.destroy());
    return once(socket, 'close').then(() => Buffer.concat(chunks).toString('latin1'));
  });
  requests.forEach((request, i) => {
    const url = new URL(request.url);
    const body = request.body ?? '';
    const headers = {
      host: url.host,
      connection: 'close',
      ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      ...request.headers,
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    sockets[i]?.write(
      `${request.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1\r\n${head}\r\n${body}`,
    );
  });
  return Promise.all(answers);
}

/** Every value of a header in a raw answer, in order. */
export function headersOf(reply: string, name: string): string[] {
  const head = reply.split('\r\n\r\n')[0] ?? '';
  return head
    .split('\r\n')
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
}
