// Answers an app may give that have no body whatever their headers say: a 304 Not Modified or a
// 204 No Content carrying Content-Length (RFC 9110 §8.6 allows it on a 304) is relayed as it is,
// not dropped; and an unsolicited 100 Continue, which undici refuses, becomes a clear 502 JSON
// error, not a dropped connection. The app here is a real server; raw answers are written to its
// socket as they are.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { APP_COOKIE, demoInFrontOf, type AppBehindDemo } from '../../support/app-behind-demo.js';
import type { TestDemo } from '../../support/demo.js';
import { rawRequest } from '../../support/http-client.js';
import { headersOf, rawExchange, statusOf } from '../../support/wire.js';

/** What the app writes to its socket for each path, byte for byte. */
const RAW_ANSWERS: Record<string, string> = {
  '/continue-then-ok':
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi',
};

let app: Server;
let demo: TestDemo;
let running: AppBehindDemo;
let appCookie: string;

before(async () => {
  app = createServer((req, res) => {
    req.resume();
    const raw = RAW_ANSWERS[req.url ?? ''];
    if (raw !== undefined) return void res.socket?.end(raw);
    if (req.url === '/not-modified-with-length')
      return void res.writeHead(304, { etag: '"v1"', 'content-length': '1234' }).end();
    if (req.url === '/not-modified') return void res.writeHead(304, { etag: '"v1"' }).end();
    if (req.url === '/no-content-with-length')
      return void res.writeHead(204, { 'content-length': '2' }).end();
    res.setHeader('content-type', 'text/plain');
    res.end('ok');
  });
  running = await demoInFrontOf(app);
  ({ demo, appCookie } = running);
});
after(() => running.stop());

/** A conditional GET through jitgate, sent as it is; resolves the raw answer. */
function get(path: string): Promise<string> {
  return running.rawGet(path, 'If-None-Match: "v1"\r\n');
}

async function upstreamErrors(): Promise<number> {
  const metrics = await rawRequest(`${demo.url}/metrics`);
  const line = /^jitgate_gateway_upstream_errors_total\{resource="payroll"\} (\d+)$/m.exec(
    metrics.body,
  );
  return Number(line?.[1] ?? 0);
}

void describe('answers without a body', () => {
  void it('relays a 304 without Content-Length (the control)', async () => {
    const reply = await get('/not-modified');
    assert.equal(statusOf(reply), 304, reply);
    assert.deepEqual(headersOf(reply, 'etag'), ['"v1"']);
  });

  void it('relays a 304 that carries Content-Length, as a complete exchange', async () => {
    const errors = await upstreamErrors();
    const reply = await get('/not-modified-with-length');
    assert.equal(statusOf(reply), 304, reply);
    assert.deepEqual(headersOf(reply, 'etag'), ['"v1"']);
    assert.deepEqual(headersOf(reply, 'content-length'), ['1234']);
    assert.ok(reply.endsWith('\r\n\r\n'), 'no body follows');
    assert.equal(await upstreamErrors(), errors, 'not counted as an upstream error');
  });

  void it('relays a 204 that carries Content-Length', async () => {
    const reply = await get('/no-content-with-length');
    assert.equal(statusOf(reply), 204, reply);
    assert.ok(reply.endsWith('\r\n\r\n'), 'no body follows');
  });

  void it('keeps the client connection and the upstream pool serving afterwards', async () => {
    const host = new URL(demo.payrollOrigin).host;
    const head = `Host: ${host}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n`;
    for (let i = 0; i < 3; i++) {
      // Two requests on one kept-alive client connection: the second is answered after the 304.
      const reply = await rawExchange(
        demo.port,
        `GET /not-modified-with-length HTTP/1.1\r\n${head}If-None-Match: "v1"\r\n\r\n` +
          `GET / HTTP/1.1\r\n${head}Connection: close\r\n\r\n`,
      );
      assert.equal(statusOf(reply), 304, reply);
      const second = reply.slice(reply.indexOf('HTTP/1.1', 1));
      assert.equal(statusOf(second), 200, reply);
      assert.ok(second.endsWith('\r\n\r\nok'), reply);
    }
  });
});

void describe('an unsolicited 100 Continue', () => {
  // undici (7.x) refuses a 100 the request did not ask for before any handler sees it, so the
  // final answer behind it cannot be relayed; the client gets the gateway's 502 instead.
  void it('answers 502 upstream_unavailable with a JSON body', async () => {
    const reply = await get('/continue-then-ok');
    assert.equal(statusOf(reply), 502, reply);
    assert.deepEqual(headersOf(reply, 'x-jitgate-error'), ['upstream_unavailable']);
    const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
    const { error } = JSON.parse(body) as { error: { code: string } };
    assert.equal(error.code, 'upstream_unavailable');
  });
});
