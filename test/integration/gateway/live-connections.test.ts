// Live connections through the gateway: streamed bodies arrive intact; WebSockets from foreign
// origins are refused; ending a grant (revoke or expiry) cuts open WebSockets and in-flight
// exchanges within a second.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { describe, it } from '../../support/guarded-test.js';
import { rawRequest } from '../../support/http-client.js';
import { appWebSocket, waitFor } from '../../support/wire.js';
import {
  APP_COOKIE,
  appCookie,
  demo,
  grantAlice,
  usePayrollAsAlice,
  wsHeaders,
} from './payroll-as-alice.js';

usePayrollAsAlice();

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
  void it('holds a fast app back while the client does not read, then relays all of it', async () => {
    await grantAlice();
    const chunk = randomBytes(1024 * 1024);
    const limit = 256 * 1024 * 1024;
    const exchange = streamTo('POST', '/echo', { 'content-type': 'application/octet-stream' });
    exchange.req.write(chunk);
    const res = await exchange.res;
    assert.equal(res.statusCode, 200);
    // The answer is not read: once the sockets' buffers are full, the upload must stall too.
    let sent = chunk.length;
    while (sent < limit) {
      sent += chunk.length;
      if (exchange.req.write(chunk)) continue;
      const drained = await Promise.race([
        once(exchange.req, 'drain').then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500)),
      ]);
      if (!drained) break;
    }
    assert.ok(sent < limit / 2, `the proxy took ${sent >> 20} MiB the client never read`);
    let received = 0;
    res.on('data', (data: Buffer) => (received += data.length));
    exchange.req.end();
    assert.equal(await exchange.ended, 'complete');
    assert.equal(received, sent);
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
