// An app's WebSocket through jitgate, against a real upstream that greets as soon as the socket
// opens (engine.io's open packet, a server hello): the greeting arrives with the 101 in the same
// read, and must reach the client first, counted in the trail like every other message. The
// app's 101 answer passes the same filter as its HTTP answers: no jitgate cookie, no
// X-Jitgate-Error of its own.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { openSqlite } from '../../../proxy/store/sqlite/database.js';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { appWebSocket, waitFor } from '../../support/wire.js';

const APP_COOKIE = 'jitgate_session_app';

let app: Server;
let wss: WebSocketServer;
let demo: TestDemo;
let grant: GrantRecord;
let cookie: string;

before(async () => {
  wss = new WebSocketServer({ noServer: true });
  // Headers of the app's 101: one cookie of its own, one in jitgate's name, jitgate's error header.
  wss.on('headers', (headers: string[]) =>
    headers.push(
      `Set-Cookie: ${APP_COOKIE}=planted-by-app; Path=/`,
      'Set-Cookie: theme=dark',
      'X-Jitgate-Error: no_grant',
    ),
  );
  wss.on('connection', (ws) => {
    ws.send('welcome');
    ws.on('message', (message: Buffer) => ws.send(`echo:${message.toString()}`));
  });
  app = createServer((_req, res) => res.end('ok'));
  app.on('upgrade', (req: IncomingMessage, socket, head: Buffer) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
  );
  app.listen(0, '127.0.0.1');
  await once(app, 'listening');
  const { port } = app.address() as AddressInfo;
  demo = await startTestDemo({ payrollUrl: `http://127.0.0.1:${port}` });
  const alice = await demo.login('alice');
  grant = await demo.jitgate.grants.grant({
    user: 'alice',
    resource: 'payroll',
    durationMs: 10 * 60_000,
    actor: 'test',
  });
  assert.equal((await alice.navigate(`${demo.payrollOrigin}/`)).status, 200);
  cookie = `${APP_COOKIE}=${alice.jar.get('payroll.localhost', APP_COOKIE) ?? ''}`;
});
after(async () => {
  await demo.stop();
  wss.close();
  app.closeAllConnections();
  app.close();
});

/** Opens a socket through jitgate, sends one message, returns what arrived and the 101's headers. */
async function session() {
  const { ws, outcome } = appWebSocket(demo.payrollOrigin, '/ws', {
    cookie,
    origin: demo.payrollOrigin,
  });
  const got: string[] = [];
  ws.on('message', (data: Buffer) => got.push(data.toString()));
  const upgrade = once(ws, 'upgrade') as Promise<[IncomingMessage]>;
  assert.equal(await outcome, 'open');
  const [answer] = await upgrade;
  ws.send('ping');
  await waitFor(() => got.includes('echo:ping'), 5000, 'the echo');
  ws.close();
  await once(ws, 'close');
  return { got, headers: answer.headers };
}

/** The trail rows of the WebSockets opened under the grant, once `count` of them have ended. */
async function socketRows(count: number) {
  return waitFor(
    async () => {
      await demo.jitgate.trail.flush();
      const db = openSqlite(join(demo.stateDir, 'jitgate.db'));
      try {
        const rows = db.all(
          "SELECT * FROM trail_requests WHERE grant_id = ? AND kind = 'websocket' AND ended = 'complete'",
          [grant.id],
        );
        return rows.length >= count ? rows : undefined;
      } finally {
        db.close();
      }
    },
    5000,
    `${count} WebSocket rows`,
  );
}

void describe("an app's WebSocket through jitgate", () => {
  it("delivers the app's greeting first, every time, and counts it", async () => {
    for (let i = 0; i < 3; i++)
      assert.deepEqual((await session()).got, ['welcome', 'echo:ping'], `session ${i}`);
    for (const row of await socketRows(3)) {
      assert.equal(row.ws_messages_in, 1);
      assert.equal(row.ws_messages_out, 2);
    }
  });

  it("keeps the app's own cookies on the 101 and drops jitgate's and its error header", async () => {
    const { headers } = await session();
    assert.deepEqual(headers['set-cookie'], ['theme=dark']);
    assert.equal(headers['x-jitgate-error'], undefined);
  });
});
