/**
 * "payroll", the demo web app behind the proxy. It shows what reaches an upstream: who the
 * identity assertion names, every request header, WebSocket frames, streamed bodies, slow answers,
 * and answers that break off halfway (`/cut`, to see how the trail marks them).
 * It trusts nothing and verifies nothing: checking the assertion is the proxy's job.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { WebSocketServer } from 'ws';
import { loginRoute, type VerifyLogin } from './payroll-login.js';

export interface PayrollApp {
  url: string;
  close(): Promise<void>;
}

export interface PayrollOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 0 (a random free port). */
  port?: number;
  /** Header carrying the identity assertion JWT; defaults to `x-jitgate-assertion`. */
  assertionHeader?: string;
  /** Checks form logins at `/login` (payroll-login.ts); without it there is no login page. */
  verifyLogin?: VerifyLogin;
}

const MAX_SLOW_MS = 10_000;

export async function startPayrollApp(options: PayrollOptions = {}): Promise<PayrollApp> {
  const assertionHeader = (options.assertionHeader ?? 'x-jitgate-assertion').toLowerCase();
  const server = createServer((req, res) => {
    try {
      if (pathOf(req) === '/login') return loginRoute(req, res, options.verifyLogin);
      route(req, res, assertionHeader);
    } catch {
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
      else res.destroy();
    }
  });
  // Like Node's default (400, then close), but without writing to a socket that is already gone.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => ws.terminate());
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== '/ws/echo') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function route(req: IncomingMessage, res: ServerResponse, assertionHeader: string): void {
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  const read = method === 'GET' || method === 'HEAD';
  if (read && path === '/') return send(res, 200, 'text/html', homePage(req, assertionHeader));
  if (read && path === '/headers') return send(res, 200, 'application/json', headersJson(req));
  if (read && path === '/ws') return send(res, 200, 'text/html', WS_PAGE);
  if (read && path === '/slow') return slow(req, res);
  if (read && path === '/cut') return cut(req, res);
  if (method === 'POST' && path === '/echo') return echo(req, res);
  send(res, 404, 'text/plain', 'not found');
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?', 1)[0] ?? '/';
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': `${type}; charset=utf-8`,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function headersJson(req: IncomingMessage): string {
  return JSON.stringify({ headers: req.headers }, null, 2);
}

/** Streams the body straight back, chunk by chunk, so tests can see the proxy does not buffer. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': req.headers['content-type'] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
  });
  res.flushHeaders();
  pipeline(req, res, () => undefined);
}

function slow(req: IncomingMessage, res: ServerResponse): void {
  const raw = new URL(req.url ?? '/', 'http://payroll').searchParams.get('ms') ?? '0';
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms > MAX_SLOW_MS) {
    return send(res, 400, 'text/plain', `ms must be an integer from 0 to ${MAX_SLOW_MS}`);
  }
  const timer = setTimeout(() => send(res, 200, 'application/json', JSON.stringify({ ms })), ms);
  res.on('close', () => clearTimeout(timer));
}

/**
 * Half an answer, then the connection drops: chunked by default, or with `?framing=length` a
 * Content-Length the body never reaches. An app that dies mid-answer looks like this.
 */
function cut(req: IncomingMessage, res: ServerResponse): void {
  const framing = new URL(req.url ?? '/', 'http://payroll').searchParams.get('framing');
  const half = 'x'.repeat(1000);
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...(framing === 'length' ? { 'Content-Length': String(half.length * 2) } : {}),
  });
  res.write(half, () => res.destroy());
}

interface Identity {
  sub?: unknown;
  email?: unknown;
  groups?: unknown;
  grant?: unknown;
}

/** Display only: reads the JWT payload without checking its signature. */
function decodeAssertion(value: string | string[] | undefined): Identity | undefined {
  const payload = typeof value === 'string' ? value.split('.')[1] : undefined;
  if (!payload) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function display(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.map(display).join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Objects as JSON; functions and symbols cannot come out of JSON.parse anyway.
  return JSON.stringify(value) ?? '—';
}

function homePage(req: IncomingMessage, assertionHeader: string): string {
  const raw = req.headers[assertionHeader];
  const identity = decodeAssertion(raw);
  const text = (value: unknown) => escapeHtml(display(value));
  const who = identity
    ? `<dl id="identity">
<dt>sub</dt><dd id="sub">${text(identity.sub)}</dd>
<dt>email</dt><dd id="email">${text(identity.email)}</dd>
<dt>groups</dt><dd id="groups">${text(identity.groups)}</dd>
<dt>grant</dt><dd id="grant">${text(identity.grant)}</dd>
</dl>`
    : `<p id="identity">${raw === undefined ? 'no identity received' : 'identity assertion could not be decoded'}</p>`;
  return page(
    'Payroll',
    `<h1>Payroll</h1>
<h2>Signed in as (per the proxy's identity assertion)</h2>
${who}
<ul><li><a href="/headers">Request headers as received</a></li><li><a href="/ws">WebSocket echo</a></li></ul>`,
  );
}

const WS_PAGE = page(
  'Payroll: WebSocket echo',
  `<h1>WebSocket echo</h1>
<p>Status: <span id="status">connecting</span></p>
<form id="form"><input id="msg" autocomplete="off"> <button id="send" type="submit">Send</button></form>
<ol id="log"></ol>
<script>
const status = document.getElementById('status');
const log = document.getElementById('log');
const input = document.getElementById('msg');
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/echo');
const append = (text) => { const li = document.createElement('li'); li.textContent = text; log.append(li); };
ws.onopen = () => { status.textContent = 'open'; };
ws.onclose = (e) => { status.textContent = 'closed (' + e.code + ')'; };
ws.onerror = () => { status.textContent = 'error'; };
ws.onmessage = (e) => append('echo: ' + e.data);
document.getElementById('form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (ws.readyState === WebSocket.OPEN && input.value) { ws.send(input.value); append('sent: ' + input.value); input.value = ''; }
});
</script>`,
);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
dt{font-weight:bold}</style></head>
<body>${body}</body></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}
