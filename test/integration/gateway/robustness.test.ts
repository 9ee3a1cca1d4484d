// The proxy under hostile or broken input: malformed HTTP on the wire (garbage, bad request
// lines, absolute-form targets, missing/repeated/invalid Host, oversized headers, request
// smuggling shapes, broken bodies, odd upgrades), junk and forged cookies, an upstream that is
// down; each gets a clear 4xx/5xx or a redirect and /healthz keeps answering. What operators
// scrape is in operator-scrape.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { signAppCookie } from '../../../proxy/identity/app-cookie.js';
import { aliceOnPayroll, APP_COOKIE } from '../../support/app-behind-demo.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type Reply, type TestBrowser } from '../../support/http-client.js';
import { appWebSocket, headersOf, rawExchange, statusOf } from '../../support/wire.js';

let demo: TestDemo;
let alice: TestBrowser;
let appCookie: string;
let payrollHost: string;

before(async () => {
  demo = await startTestDemo();
  payrollHost = new URL(demo.payrollOrigin).host;
  ({ alice, appCookie } = await aliceOnPayroll(demo));
});
after(() => demo.stop());

async function assertHealthy() {
  const reply = await rawRequest(`${demo.url}/healthz`);
  assert.equal(reply.status, 200, 'the proxy still answers /healthz');
  assert.deepEqual(JSON.parse(reply.body), { status: 'ok' });
}

function payroll(path: string, headers: Record<string, string>): Promise<Reply> {
  return rawRequest(`${demo.payrollOrigin}${path}`, {
    headers: { accept: 'application/json', 'sec-fetch-mode': 'cors', ...headers },
  });
}

const withCookie = (value: string) => ({ cookie: `${APP_COOKIE}=${value}` });

/** `count` header lines of filler, each ending in CRLF. */
const junkHeaders = (count: number) =>
  Array.from({ length: count }, (_, i) => `X-Filler-${i}: x\r\n`).join('');

function errorCode(reply: Reply): string | undefined {
  return (JSON.parse(reply.body) as { error?: { code?: string } }).error?.code;
}

void describe('malformed requests never crash the proxy', () => {
  const wire: [string, (port: number) => string | Buffer, number][] = [
    ['random bytes', () => randomBytes(512), 400],
    ['text that is not HTTP', () => 'THIS IS NOT HTTP\r\n\r\n', 400],
    ['an unknown HTTP version', () => 'GET / HTTP/9.9\r\nHost: localhost\r\n\r\n', 400],
    ['a NUL in the request line', () => 'GET /\0 HTTP/1.1\r\nHost: localhost\r\n\r\n', 400],
    ['a method that is not a token', () => 'G(T / HTTP/1.1\r\nHost: localhost\r\n\r\n', 400],
    [
      'an absolute-form target for the app',
      (port) =>
        `GET http://payroll.localhost:${port}/headers HTTP/1.1\r\nHost: payroll.localhost:${port}\r\n` +
        `Cookie: ${APP_COOKIE}=${appCookie}\r\nConnection: close\r\n\r\n`,
      400,
    ],
    [
      'an absolute-form target for the app sent to the portal host',
      (port) =>
        `GET http://payroll.localhost:${port}/headers HTTP/1.1\r\nHost: localhost:${port}\r\n` +
        `Cookie: ${APP_COOKIE}=${appCookie}\r\nConnection: close\r\n\r\n`,
      404,
    ],
    ['no Host header', () => 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
    ['an empty Host header', () => 'GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n', 400],
    [
      'a Host header with a space',
      () => 'GET / HTTP/1.1\r\nHost: pay roll\r\nConnection: close\r\n\r\n',
      400,
    ],
    [
      'a Host header with an open bracket',
      () => 'GET / HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n',
      400,
    ],
    [
      'a Host header with a control character',
      (port) =>
        `GET / HTTP/1.1\r\nHost: payroll.localhost:${port}\x01\r\nConnection: close\r\n\r\n`,
      400,
    ],
    [
      'two Host headers',
      (port) =>
        `GET /headers HTTP/1.1\r\nHost: localhost:${port}\r\nHost: payroll.localhost:${port}\r\n` +
        `Cookie: ${APP_COOKIE}=${appCookie}\r\nConnection: close\r\n\r\n`,
      400,
    ],
    [
      'two Host headers 1,100 header lines apart (past what Node keeps of a request)',
      (port) =>
        `GET /headers HTTP/1.1\r\nHost: payroll.localhost:${port}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        `${junkHeaders(1100)}Host: localhost:${port}\r\nConnection: close\r\n\r\n`,
      431,
    ],
    [
      'more header lines than jitgate accepts',
      (port) =>
        `GET /healthz HTTP/1.1\r\nHost: localhost:${port}\r\n${junkHeaders(99)}Connection: close\r\n\r\n`,
      431,
    ],
    [
      'a WebSocket upgrade with more header lines than jitgate accepts',
      (port) =>
        `GET /ws/echo HTTP/1.1\r\nHost: payroll.localhost:${port}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        `Origin: http://payroll.localhost:${port}\r\nSec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${junkHeaders(200)}` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      431,
    ],
    [
      'a header block over 32 KiB',
      (port) => `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
      400,
    ],
    [
      'Content-Length together with Transfer-Encoding (smuggling)',
      (port) =>
        `POST /echo HTTP/1.1\r\nHost: payroll.localhost:${port}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
    [
      'an upgrade to something other than WebSocket',
      (port) =>
        `GET /ws/echo HTTP/1.1\r\nHost: payroll.localhost:${port}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        'Upgrade: h2c\r\nConnection: Upgrade\r\n\r\n',
      400,
    ],
    [
      'a WebSocket upgrade to the portal',
      (port) =>
        `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      400,
    ],
    [
      'a WebSocket upgrade without a key, with a grant',
      (port) =>
        `GET /ws/echo HTTP/1.1\r\nHost: payroll.localhost:${port}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        `Origin: http://payroll.localhost:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      400,
    ],
  ];

  for (const [what, payload, status] of wire) {
    void it(`answers ${status} to ${what}`, async () => {
      const reply = await rawExchange(demo.port, payload(demo.port));
      assert.equal(statusOf(reply), status, reply.slice(0, 200));
      await assertHealthy();
    });
  }

  void it('accepts 100 header lines, and refuses 101 with 431 too_many_headers', async () => {
    // Host, Connection and filler: exactly the limit, then one line more.
    const at = (filler: number) =>
      `GET /healthz HTTP/1.1\r\nHost: localhost:${demo.port}\r\n${junkHeaders(filler)}` +
      'Connection: close\r\n\r\n';
    const accepted = await rawExchange(demo.port, at(98));
    assert.equal(statusOf(accepted), 200, accepted.slice(0, 200));
    const refused = await rawExchange(demo.port, at(99));
    assert.equal(statusOf(refused), 431, refused.slice(0, 200));
    assert.deepEqual(headersOf(refused, 'x-jitgate-error'), ['too_many_headers']);
    const body = refused.slice(refused.indexOf('\r\n\r\n') + 4);
    assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, 'too_many_headers');
  });

  void it('survives a chunked body that turns to garbage after the exchange started', async () => {
    const reply = await rawExchange(
      demo.port,
      `POST /echo HTTP/1.1\r\nHost: ${payrollHost}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        'Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZZ\r\nnot a chunk\r\n\r\n',
    );
    // The app may already have answered 200 with the first chunk; what matters is the proxy.
    assert.ok([0, 200, 400, 502].includes(statusOf(reply)), reply.slice(0, 200));
    await assertHealthy();
    assert.equal((await payroll('/headers', withCookie(appCookie))).status, 200);
  });

  void it('survives a client that disconnects in the middle of an upload', async () => {
    const reply = await rawExchange(
      demo.port,
      `POST /echo HTTP/1.1\r\nHost: ${payrollHost}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
        'Content-Length: 100000\r\n\r\nonly a little',
      300,
    );
    assert.ok([0, 200].includes(statusOf(reply)));
    await assertHealthy();
  });
});

void describe('junk and forged cookies', () => {
  void it('treats a junk cookie header as no session', async () => {
    const junk = `;;=;${APP_COOKIE}=%%%; ${APP_COOKIE}; =x; jitgate_session=\u00ff\u00fe; a=b=c;`;
    const xhr = await payroll('/headers', { cookie: junk });
    assert.equal(xhr.status, 401);
    assert.equal(errorCode(xhr), 'unauthenticated');
    const nav = await rawRequest(`${demo.payrollOrigin}/`, {
      headers: { cookie: junk, accept: 'text/html', 'sec-fetch-mode': 'navigate' },
    });
    assert.equal(nav.status, 302);
    const portal = await rawRequest(`${demo.url}/`, { headers: { cookie: junk } });
    assert.equal(portal.status, 200);
    assert.match(portal.body, /Sign in/);
    await assertHealthy();
  });

  void it('refuses an app cookie with a bad signature', async () => {
    const [version, sid] = appCookie.split('.');
    for (const forged of [
      `${version}.${sid}.${'A'.repeat(43)}`,
      `${version}.${sid}.`,
      `${version}.${sid}`,
      `v2.${sid}.${appCookie.split('.')[2]}`,
      `${version}.${Buffer.from('someone-else').toString('base64url')}.${appCookie.split('.')[2]}`,
      'x'.repeat(5000),
    ]) {
      const reply = await payroll('/headers', withCookie(forged));
      assert.equal(reply.status, 401, forged.slice(0, 80));
      assert.equal(errorCode(reply), 'unauthenticated');
    }
  });

  void it('refuses a correctly signed cookie made for another host', async () => {
    const secret = await demo.jitgate.store.settings.get('session_secret_v1');
    assert.ok(secret);
    const sid = Buffer.from(appCookie.split('.')[1] ?? '', 'base64url').toString();
    // The control: the same session signed for payroll's host is accepted...
    const own = signAppCookie(sid, 'payroll.localhost', secret);
    assert.equal((await payroll('/headers', withCookie(own))).status, 200);
    // ...and signed for any other host it is not.
    for (const host of [
      'other.localhost',
      'localhost',
      'payroll.localhost.',
      'PAYROLL.localhost',
    ]) {
      const reply = await payroll('/headers', withCookie(signAppCookie(sid, host, secret)));
      assert.equal(reply.status, 401, host);
    }
  });

  void it('does not accept the portal cookie as an app cookie, nor the other way round', async () => {
    const portalCookie = alice.jar.get('localhost', 'jitgate_session') ?? '';
    assert.ok(portalCookie);
    assert.equal((await payroll('/headers', withCookie(portalCookie))).status, 401);
    assert.equal(
      (await payroll('/headers', { cookie: `jitgate_session=${portalCookie}` })).status,
      401,
    );
    const me = await rawRequest(`${demo.url}/api/v1/me`, {
      headers: { accept: 'application/json', cookie: `jitgate_session=${appCookie}` },
    });
    assert.equal(me.status, 401);
  });
});

// Last: it stops the demo's payroll app for good.
void describe('upstream down', () => {
  void it('answers 502 upstream_unavailable and keeps serving', async () => {
    // An upload streaming through the proxy while the app goes away is cut, nothing more.
    const upload = request({
      host: '127.0.0.1',
      port: demo.port,
      method: 'POST',
      path: '/echo',
      agent: false,
      headers: { host: payrollHost, ...withCookie(appCookie), 'content-type': 'text/plain' },
    });
    const cut = new Promise<void>((resolve) => {
      upload.once('error', () => resolve());
      upload.once('response', (res: IncomingMessage) => {
        res.once('error', () => resolve());
        res.once('close', () => resolve());
      });
    });
    upload.write('first chunk');
    const [res] = (await once(upload, 'response')) as [IncomingMessage];
    assert.equal(res.statusCode, 200);
    await once(res, 'data');

    await demo.payroll.close();
    await cut;
    upload.destroy();

    const page = await alice.navigate(`${demo.payrollOrigin}/headers`);
    assert.equal(page.status, 502);
    assert.equal(page.headers['x-jitgate-error'], 'upstream_unavailable');
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    assert.match(page.body, /Payroll is unreachable/);

    const xhr = await payroll('/headers', withCookie(appCookie));
    assert.equal(xhr.status, 502);
    assert.equal(errorCode(xhr), 'upstream_unavailable');

    const post = await rawRequest(`${demo.payrollOrigin}/echo`, {
      method: 'POST',
      headers: { ...withCookie(appCookie), accept: 'application/json', 'content-length': '5000' },
      body: 'x'.repeat(5000),
    });
    assert.equal(post.status, 502);
    assert.equal(errorCode(post), 'upstream_unavailable');

    const { outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      ...withCookie(appCookie),
      origin: demo.payrollOrigin,
    });
    const result = await outcome.catch((error: Error) => error);
    assert.notEqual(result, 'open', 'no WebSocket to an app that is down');

    await assertHealthy();
    const metrics = await rawRequest(`${demo.url}/metrics`);
    assert.match(
      metrics.body,
      /^jitgate_gateway_upstream_errors_total\{resource="payroll"\} [1-9]/m,
    );
    // The portal itself is unaffected.
    const home = await alice.navigate(`${demo.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.body, /My access/);
  });
});
