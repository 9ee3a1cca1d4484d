// A resource whose upstream URL has a path (its base path): every request reaches the app under
// that path, and a request path with a dot-segment, raw or percent-encoded, which a normalising
// app server would resolve to outside it, is refused with 400 dot_segment before it is forwarded,
// for plain requests and WebSocket upgrades alike. The app here is a real server that records
// the paths it receives.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { APP_COOKIE, demoInFrontOf, type AppBehindDemo } from '../../support/app-behind-demo.js';
import type { TestDemo } from '../../support/demo.js';
import { appWebSocket, headersOf, rawExchange, statusOf } from '../../support/wire.js';

let app: Server;
let demo: TestDemo;
let running: AppBehindDemo;
let appCookie: string;
/** Every path the app received, plain requests and upgrades. */
const seen: string[] = [];

before(async () => {
  app = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url }));
  });
  const sockets = new WebSocketServer({ noServer: true });
  app.on('upgrade', (req, socket, head) => {
    seen.push(req.url ?? '');
    sockets.handleUpgrade(req, socket, head, (ws) => ws.close());
  });
  running = await demoInFrontOf(app, '/apps/payroll');
  ({ demo, appCookie } = running);
});
after(() => running.stop());

/** A GET sent byte for byte (no client would send these paths as they are). */
function get(path: string): Promise<string> {
  return running.rawGet(path);
}

const bodyOf = (reply: string) => reply.slice(reply.indexOf('\r\n\r\n') + 4);

void describe('an upstream with a base path', () => {
  const forwarded: [string, string][] = [
    ['/x', '/apps/payroll/x'],
    ['/', '/apps/payroll/'],
    ['/file.tar.gz', '/apps/payroll/file.tar.gz'],
    ['/a..b/...', '/apps/payroll/a..b/...'],
    ['/.well-known/x', '/apps/payroll/.well-known/x'],
    ['/q?path=../../hr&x=%2e%2e', '/apps/payroll/q?path=../../hr&x=%2e%2e'],
  ];
  for (const [path, upstreamPath] of forwarded) {
    void it(`forwards ${path} under the base path, as ${upstreamPath}`, async () => {
      const reply = await get(path);
      assert.equal(statusOf(reply), 200, reply.slice(0, 300));
      assert.deepEqual(JSON.parse(bodyOf(reply)), { path: upstreamPath });
    });
  }

  for (const path of [
    '/../hr/salaries',
    '/x/../../hr',
    '/%2e%2e/hr/salaries',
    '/.%2e/%2e%2e/admin',
    '/%2E%2e/hr',
    '/..%2fhr',
    '/..\\hr',
    '/..;/hr',
    '/x/.',
  ]) {
    void it(`refuses ${path} with 400 dot_segment, forwarding nothing`, async () => {
      const before = seen.length;
      const reply = await get(path);
      assert.equal(statusOf(reply), 400, reply.slice(0, 300));
      assert.deepEqual(headersOf(reply, 'x-jitgate-error'), ['dot_segment']);
      const { error } = JSON.parse(bodyOf(reply)) as { error: { code: string } };
      assert.equal(error.code, 'dot_segment');
      assert.equal(seen.length, before, 'the app received nothing');
    });
  }

  void it('opens a WebSocket under the base path', async () => {
    const { ws, outcome } = appWebSocket(demo.payrollOrigin, '/ws?room=1', {
      cookie: `${APP_COOKIE}=${appCookie}`,
      origin: demo.payrollOrigin,
    });
    assert.equal(await outcome, 'open');
    ws.terminate();
    assert.equal(seen.at(-1), '/apps/payroll/ws?room=1');
  });

  for (const path of ['/../hr/ws', '/%2e%2e/hr/ws']) {
    void it(`refuses a WebSocket upgrade to ${path} with 400 dot_segment`, async () => {
      const before = seen.length;
      const host = new URL(demo.payrollOrigin).host;
      const reply = await rawExchange(
        demo.port,
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${APP_COOKIE}=${appCookie}\r\n` +
          `Origin: ${demo.payrollOrigin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      assert.equal(statusOf(reply), 400, reply.slice(0, 300));
      assert.deepEqual(headersOf(reply, 'x-jitgate-error'), ['dot_segment']);
      assert.equal(seen.length, before, 'the app received nothing');
    });
  }
});
