// An app that fails a WebSocket upgrade (resets the connection, closes it without a word, or
// answers something that is not HTTP) gets the client a 502 upstream_unavailable with the usual
// error body, not a dropped connection. The upstream here is a real server that misbehaves on cue.
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { APP_COOKIE, demoInFrontOf, type AppBehindDemo } from '../../support/app-behind-demo.js';
import type { TestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';

/** Plain pages answer 200; upgrades fail the way their path says. */
function misbehavingApp(): Server {
  const server = createServer((_req, res) => res.end('ok'));
  server.on('upgrade', (req, socket: Socket) => {
    if (req.url === '/ws/reset') socket.resetAndDestroy();
    else if (req.url === '/ws/close') socket.end();
    else socket.end('this is not HTTP at all\r\n\r\n');
  });
  return server;
}

let app: Server;
let demo: TestDemo;
let running: AppBehindDemo;
let alice: TestBrowser;
let appCookie: string;

before(async () => {
  app = misbehavingApp();
  running = await demoInFrontOf(app);
  ({ demo, appCookie, alice } = running);
});
after(() => running.stop());

/** A WebSocket upgrade through jitgate; resolves the HTTP answer it got instead of a 101. */
function upgradeAttempt(
  path: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const { port, host } = new URL(demo.payrollOrigin);
  const req = request({
    host: '127.0.0.1',
    port,
    path,
    agent: false,
    headers: {
      host,
      cookie: `${APP_COOKIE}=${appCookie}`,
      origin: demo.payrollOrigin,
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    },
  });
  req.end();
  return new Promise((resolve, reject) => {
    req.once('error', reject);
    req.once('upgrade', () => reject(new Error('the upgrade went through')));
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
  });
}

void describe('an upstream that fails a WebSocket upgrade', () => {
  for (const failure of ['reset', 'close', 'garbage']) {
    void it(`answers 502 upstream_unavailable when the app fails with: ${failure}`, async () => {
      const answer = await upgradeAttempt(`/ws/${failure}`);
      assert.equal(answer.status, 502);
      assert.equal(answer.headers['x-jitgate-error'], 'upstream_unavailable');
      assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
      const { body } = answer;
      const { error } = JSON.parse(body) as { error: { code: string; message: string } };
      assert.equal(error.code, 'upstream_unavailable');
      assert.match(error.message, /not answering/);
    });
  }

  void it('keeps serving afterwards', async () => {
    assert.equal((await alice.navigate(`${demo.payrollOrigin}/`)).status, 200);
  });
});
