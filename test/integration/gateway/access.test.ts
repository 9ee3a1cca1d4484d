// The gateway's access decision and what reaches the app: no session → login redirect or 401,
// no grant → 403 page with "Request access" or JSON; with a grant the request arrives with a
// verifiable identity assertion, without spoofed identity headers or jitgate's cookies; revoke
// and expiry refuse the next request and cut open WebSockets and in-flight exchanges within a
// second; WebSockets from foreign origins are refused; streamed bodies arrive intact.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { after, afterEach, before, describe, it } from '../../support/guarded-test.js';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type Reply, type TestBrowser } from '../../support/http-client.js';
import { appWebSocket, rawExchange, statusOf, waitFor } from '../../support/wire.js';

const APP_COOKIE = 'jitgate_session_app';
const ASSERTION = 'x-jitgate-assertion';

let demo: TestDemo;
let alice: TestBrowser;
/** alice's cookie for payroll.localhost, from the real portal → app handoff. */
let appCookie: string;
const granted: GrantRecord[] = [];

before(async () => {
  demo = await startTestDemo();
  alice = await demo.login('alice');
  // Without a grant the handoff still sets the app cookie; the app itself answers 403.
  const first = await alice.navigate(`${demo.payrollOrigin}/`);
  assert.equal(first.status, 403);
  appCookie = alice.jar.get('payroll.localhost', APP_COOKIE) ?? '';
  assert.ok(appCookie, 'the handoff set the app cookie');
});
after(() => demo.stop());
afterEach(async () => {
  for (const grant of granted.splice(0))
    await demo.jitgate.grants.revoke(grant.id, 'test').catch(() => undefined);
});

async function grantAlice(durationMs = 60_000): Promise<GrantRecord> {
  const grant = await demo.jitgate.grants.grant({
    user: 'alice',
    resource: 'payroll',
    durationMs,
    actor: 'test',
  });
  granted.push(grant);
  return grant;
}

/** An XHR-style call to payroll (not a navigation), with alice's app cookie unless told. */
function xhr(path: string, headers: Record<string, string> = {}, cookie = appCookie) {
  return rawRequest(`${demo.payrollOrigin}${path}`, {
    headers: {
      accept: 'application/json',
      'sec-fetch-mode': 'cors',
      ...(cookie ? { cookie: `${APP_COOKIE}=${cookie}` } : {}),
      ...headers,
    },
  });
}

/** What payroll received, from its GET /headers echo. */
function echoed(reply: Reply): Record<string, string> {
  assert.equal(reply.status, 200, reply.body.slice(0, 300));
  return (JSON.parse(reply.body) as { headers: Record<string, string> }).headers;
}

function errorCode(reply: Reply): string | undefined {
  return (JSON.parse(reply.body) as { error?: { code?: string } }).error?.code;
}

async function jwks() {
  const reply = await rawRequest(`${demo.url}/.well-known/jwks.json`);
  assert.equal(reply.status, 200);
  return createLocalJWKSet(JSON.parse(reply.body) as JSONWebKeySet);
}

function wsHeaders(cookie = appCookie): Record<string, string> {
  return { cookie: `${APP_COOKIE}=${cookie}`, origin: demo.payrollOrigin };
}

/** Opens the echo socket and proves it echoes; returns it with a promise of its close. */
async function openEcho() {
  const { ws, outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', wsHeaders());
  assert.equal(await outcome, 'open');
  const closed = once(ws, 'close') as Promise<[number, Buffer]>;
  ws.send('ping');
  const [data] = (await once(ws, 'message')) as [Buffer];
  assert.equal(data.toString(), 'ping');
  return { ws, closed };
}

interface Streaming {
  req: ClientRequest;
  res: Promise<IncomingMessage>;
  /** Resolves once the exchange is over, cleanly or not. */
  ended: Promise<'complete' | 'cut'>;
}

/** Starts a request to payroll through the proxy without ending it (node:http, for streaming). */
function streamTo(method: string, path: string, headers: Record<string, string> = {}): Streaming {
  const req = request({
    host: '127.0.0.1',
    port: demo.port,
    method,
    path,
    agent: false,
    headers: {
      host: new URL(demo.payrollOrigin).host,
      cookie: `${APP_COOKIE}=${appCookie}`,
      accept: 'application/json',
      'sec-fetch-mode': 'cors',
      ...headers,
    },
  });
  const res = new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
  const ended = new Promise<'complete' | 'cut'>((resolve) => {
    req.once('error', () => resolve('cut'));
    void res.then((r) => {
      r.once('error', () => resolve('cut'));
      r.once('aborted', () => resolve('cut'));
      r.once('close', () => resolve(r.complete ? 'complete' : 'cut'));
    });
  });
  return { req, res, ended };
}

async function liveConnections(): Promise<number> {
  const metrics = await rawRequest(`${demo.url}/metrics`);
  const match = /^jitgate_live_connections (\d+)$/m.exec(metrics.body);
  return Number(match?.[1] ?? -1);
}

void describe('without a session', () => {
  void it('redirects a navigation to the portal login for this app', async () => {
    const reply = await rawRequest(`${demo.payrollOrigin}/headers?x=1`, {
      headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' },
    });
    assert.equal(reply.status, 302);
    const location = new URL(reply.headers.location ?? '');
    assert.equal(location.origin + location.pathname, `${demo.url}/auth/app`);
    assert.equal(location.searchParams.get('rd'), `${demo.payrollOrigin}/headers?x=1`);
  });

  void it('answers an XHR with 401 JSON', async () => {
    const reply = await xhr('/headers', {}, '');
    assert.equal(reply.status, 401);
    assert.match(reply.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(errorCode(reply), 'unauthenticated');
    assert.equal(reply.headers['x-jitgate-error'], 'unauthenticated');
  });

  void it('refuses a WebSocket', async () => {
    const { outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      origin: demo.payrollOrigin,
    });
    assert.equal(await outcome, 401);
  });
});

void describe('logged in, without a grant', () => {
  void it('shows a 403 page naming the resource and offering "Request access"', async () => {
    const reply = await alice.navigate(`${demo.payrollOrigin}/headers`);
    assert.equal(reply.status, 403);
    assert.match(reply.headers['content-type'] ?? '', /^text\/html/);
    assert.match(reply.body, /Request access/);
    assert.match(reply.body, /Payroll/);
    assert.match(reply.body, new RegExp(`href="${demo.url}/resources/payroll"`));
    assert.doesNotMatch(reply.body, /"headers"/, 'nothing of the app leaks');
  });

  void it('answers an XHR with 403 JSON no_grant', async () => {
    const reply = await xhr('/headers');
    assert.equal(reply.status, 403);
    assert.match(reply.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(errorCode(reply), 'no_grant');
    // Without Fetch Metadata (older clients, scripts) the Accept header decides.
    const plain = await rawRequest(`${demo.payrollOrigin}/headers`, {
      headers: { accept: 'application/json', cookie: `${APP_COOKIE}=${appCookie}` },
    });
    assert.equal(plain.status, 403);
    assert.equal(errorCode(plain), 'no_grant');
  });

  void it('refuses a WebSocket with 403', async () => {
    const { outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', wsHeaders());
    assert.equal(await outcome, 403);
  });
});

void describe('with a grant', () => {
  void it('reaches payroll with an identity assertion that verifies against the JWKS', async () => {
    const grant = await grantAlice();
    const headers = echoed(await xhr('/headers'));
    const token = headers[ASSERTION];
    assert.ok(token, 'the assertion header arrives');
    assert.equal(decodeProtectedHeader(token).alg, 'ES256');
    const { payload } = await jwtVerify(token, await jwks(), {
      issuer: demo.url,
      audience: demo.payrollOrigin,
      algorithms: ['ES256'],
    });
    assert.equal(payload.sub, 'demo:alice');
    assert.equal(payload.email, 'alice@demo.jitgate.test');
    assert.deepEqual(payload.groups, ['staff']);
    assert.equal(payload.grant, grant.id);
    assert.ok(payload.exp, 'the assertion expires');
    assert.ok(payload.exp <= Math.ceil(Date.now() / 1000) + 5 * 60, 'exp at most 5 min ahead');
    assert.equal(headers['x-payroll-user'], 'alice', 'the configured header is injected');
  });

  void it('also serves a browser navigation', async () => {
    await grantAlice();
    const reply = await alice.navigate(`${demo.payrollOrigin}/`);
    assert.equal(reply.status, 200);
    assert.match(reply.body, /<dd id="sub">demo:alice<\/dd>/);
  });

  void it('strips every spoofed identity header, whatever its case or separator', async () => {
    await grantAlice();
    const spoof = 'spoofed-by-mallory';
    const headers = echoed(
      await xhr('/headers', {
        'X-Jitgate-Assertion': spoof,
        x_jitgate_assertion: spoof,
        'X-Forwarded-User': spoof,
        X_FORWARDED_EMAIL: spoof,
        'Remote-User': spoof,
        'x-payroll-user': spoof,
        'X-Jitgate-Anything': spoof,
        'X-Forwarded-For': '203.0.113.9',
        'X-Harmless': 'kept',
      }),
    );
    assert.doesNotMatch(JSON.stringify(headers), new RegExp(spoof));
    assert.doesNotMatch(JSON.stringify(headers), /203\.0\.113\.9/, 'untrusted X-Forwarded-For');
    for (const name of [
      'x_jitgate_assertion',
      'x-forwarded-user',
      'x_forwarded_email',
      'x-forwarded-email',
      'remote-user',
      'x-jitgate-anything',
    ])
      assert.equal(headers[name], undefined, name);
    assert.equal(headers['x-payroll-user'], 'alice');
    assert.ok(headers[ASSERTION]?.startsWith('eyJ'));
    assert.equal(headers['x-harmless'], 'kept');
  });

  void it('strips repeated copies of identity headers sent on the wire', async () => {
    await grantAlice();
    const host = new URL(demo.payrollOrigin).host;
    const reply = await rawExchange(
      demo.port,
      `GET /headers HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\n` +
        `Cookie: ${APP_COOKIE}=${appCookie}\r\n` +
        `x-jitgate-assertion: one\r\nX-JITGATE-ASSERTION: two\r\nX-Payroll-User: bob\r\n` +
        `x-payroll_user: carol\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(statusOf(reply), 200, reply.slice(0, 300));
    const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
    const headers = (JSON.parse(body) as { headers: Record<string, string> }).headers;
    assert.equal(headers['x-payroll-user'], 'alice');
    assert.equal(headers['x-payroll_user'], undefined);
    // One assertion, jitgate's own: the client's copies are neither kept nor joined to it.
    const { payload } = await jwtVerify(headers[ASSERTION] ?? '', await jwks(), {
      issuer: demo.url,
      audience: demo.payrollOrigin,
    });
    assert.equal(payload.sub, 'demo:alice');
  });

  void it("drops jitgate's cookies and passes the app's own", async () => {
    await grantAlice();
    const reply = await rawRequest(`${demo.payrollOrigin}/headers`, {
      headers: {
        accept: 'application/json',
        cookie:
          `theme=dark; jitgate_session=s%3Aportal.sig; ${APP_COOKIE}=${appCookie}; ` +
          'jitgate-extension=x; jitgate_other=y; app_jitgate=kept; lang=en',
      },
    });
    const headers = echoed(reply);
    assert.equal(headers.cookie, 'theme=dark; app_jitgate=kept; lang=en');
  });

  void it('refuses the very next request after a revoke', async () => {
    const grant = await grantAlice();
    assert.equal((await xhr('/headers')).status, 200);
    await demo.jitgate.grants.revoke(grant.id, 'test');
    const reply = await xhr('/headers');
    assert.equal(reply.status, 403);
    assert.equal(errorCode(reply), 'no_grant');
  });

  void it('refuses requests once the grant has expired', async () => {
    const grant = await grantAlice(1500);
    assert.equal((await xhr('/headers')).status, 200);
    await waitFor(() => Date.now() >= grant.endsAt, 3000, 'the grant to end');
    const reply = await xhr('/headers');
    assert.equal(reply.status, 403);
    assert.equal(errorCode(reply), 'no_grant');
  });
});

void describe('request bodies', () => {
  void it('forwards a fixed-length body', async () => {
    await grantAlice();
    const body = JSON.stringify({ amount: 1200, note: 'x'.repeat(5000) });
    const reply = await rawRequest(`${demo.payrollOrigin}/echo`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        cookie: `${APP_COOKIE}=${appCookie}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body, body);
  });

  void it('streams a large chunked body through to the app and back intact', async () => {
    await grantAlice();
    const sent = randomBytes(320 * 1024);
    const exchange = streamTo('POST', '/echo', { 'content-type': 'application/octet-stream' });
    for (let at = 0; at < sent.length; at += 16 * 1024) {
      if (!exchange.req.write(sent.subarray(at, at + 16 * 1024))) await once(exchange.req, 'drain');
    }
    exchange.req.end();
    const res = await exchange.res;
    assert.equal(res.statusCode, 200);
    const received: Buffer[] = [];
    for await (const chunk of res) received.push(chunk as Buffer);
    assert.ok(Buffer.concat(received).equals(sent), 'the echoed body is byte-identical');
  });
});

void describe('ending a grant cuts live connections', () => {
  void it('closes an open WebSocket within a second of the revoke', async () => {
    const grant = await grantAlice();
    const { closed } = await openEcho();
    const revokedAt = Date.now();
    await demo.jitgate.grants.revoke(grant.id, 'test');
    const [code] = await closed;
    assert.ok(Date.now() - revokedAt < 1000, `closed ${Date.now() - revokedAt} ms after revoke`);
    assert.equal(code, 1008, 'policy violation: access ended');
  });

  void it('closes an open WebSocket within a second of the expiry', async () => {
    const grant = await grantAlice(1500);
    const { closed } = await openEcho();
    await closed;
    const late = Date.now() - grant.endsAt;
    assert.ok(late < 1000, `closed ${late} ms after the grant ended`);
  });

  void it('refuses a WebSocket opened from a foreign origin', async () => {
    await grantAlice();
    for (const origin of ['http://evil.example', demo.url, 'null']) {
      const { outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', {
        cookie: `${APP_COOKIE}=${appCookie}`,
        origin,
      });
      assert.equal(await outcome, 403, origin);
    }
  });

  void it('cuts a streaming exchange when the grant is revoked', async () => {
    const grant = await grantAlice();
    const exchange = streamTo('POST', '/echo', { 'content-type': 'text/plain' });
    exchange.req.write('first chunk');
    const res = await exchange.res;
    assert.equal(res.statusCode, 200);
    const [first] = (await once(res, 'data')) as [Buffer];
    assert.equal(first.toString(), 'first chunk');
    const revokedAt = Date.now();
    await demo.jitgate.grants.revoke(grant.id, 'test');
    assert.equal(await exchange.ended, 'cut');
    assert.ok(Date.now() - revokedAt < 1000, 'cut within a second');
    exchange.req.destroy();
  });

  void it('cuts a request still waiting for its answer when the grant is revoked', async () => {
    const grant = await grantAlice();
    const openBefore = await liveConnections();
    const exchange = streamTo('GET', '/slow?ms=8000');
    exchange.req.end();
    await waitFor(
      async () => (await liveConnections()) > openBefore,
      2000,
      'the exchange to start',
    );
    const revokedAt = Date.now();
    await demo.jitgate.grants.revoke(grant.id, 'test');
    assert.equal(await exchange.ended, 'cut');
    assert.ok(Date.now() - revokedAt < 1000, 'cut within a second');
    await waitFor(async () => (await liveConnections()) === openBefore, 1000, 'tracking to end');
  });
});
