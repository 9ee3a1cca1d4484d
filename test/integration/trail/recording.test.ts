// What the gateway writes to the trail, read straight from the SQLite rows: a burst of requests
// gives exactly one row each with the right person, grant, resource and sizes; configured query
// parameters and body fields never reach the store; bodies are kept only for writes; WebSockets
// are one row with message counts; refusals are no rows; a clean shutdown writes what is queued.
// Answers the app cuts short are marked `cut`, chunked or with a Content-Length alike; long
// exchanges (a WebSocket, an upload that goes on) are rows while still open, then their end.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { openSqlite, type SqlRow } from '../../../proxy/store/sqlite/database.js';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, type TestBrowser } from '../../support/http-client.js';
import { appWebSocket, waitFor } from '../../support/wire.js';

const APP_COOKIE = 'jitgate_session_app';

/** Rows as stored, through a connection of our own (the proxy's is WAL: we see its commits). */
function rowsOf(demo: TestDemo, grantId: string): SqlRow[] {
  const db = openSqlite(join(demo.stateDir, 'jitgate.db'));
  try {
    return db.all('SELECT * FROM trail_requests WHERE grant_id = ? ORDER BY id', [grantId]);
  } finally {
    db.close();
  }
}

/** Waits until the grant has `count` rows (exchanges queue their row once they are over). */
async function settledRows(demo: TestDemo, grantId: string, count: number) {
  return waitFor(
    async () => {
      await demo.jitgate.trail.flush();
      const rows = rowsOf(demo, grantId);
      return rows.length >= count ? rows : undefined;
    },
    5000,
    `${count} trail rows`,
  );
}

async function appCookieOf(demo: TestDemo, browser: TestBrowser): Promise<string> {
  await browser.navigate(`${demo.payrollOrigin}/`);
  const cookie = browser.jar.get('payroll.localhost', APP_COOKIE);
  assert.ok(cookie, 'the handoff set the app cookie');
  return `${APP_COOKIE}=${cookie}`;
}

void describe('the trail of web requests', () => {
  let demo: TestDemo;
  let cookie: string;
  let grant: GrantRecord;
  const app = (path: string, options: { method?: string; body?: string; type?: string } = {}) =>
    rawRequest(`${demo.payrollOrigin}${path}`, {
      method: options.method ?? 'GET',
      headers: {
        cookie,
        accept: 'application/json',
        'user-agent': 'trail-test/1.0',
        ...(options.type ? { 'content-type': options.type } : {}),
      },
      ...(options.body === undefined ? {} : { body: options.body }),
    });

  const liveConnections = async () => {
    const metrics = await rawRequest(`${demo.url}/metrics`);
    return Number(/^jitgate_live_connections (\d+)$/m.exec(metrics.body)?.[1] ?? -1);
  };

  /** A request to payroll whose answer is read as a stream (node:http). */
  const appStream = (method: string, path: string) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: demo.port,
        method,
        path,
        agent: false,
        headers: { host: new URL(demo.payrollOrigin).host, cookie },
      });
      req.once('response', (res) => {
        res.on('error', () => undefined); // "aborted": a cut answer, as the client sees it
        resolve(res);
      });
      req.on('error', reject);
      req.end();
    });

  before(async () => {
    demo = await startTestDemo();
    const alice = await demo.login('alice');
    // Before the grant: the handoff and the 403 answers are refusals, never trail rows.
    cookie = await appCookieOf(demo, alice);
    const request = { user: 'alice', resource: 'payroll', durationMs: 600_000, actor: 'test' };
    grant = await demo.jitgate.grants.grant(request);
  });
  let closed = false;
  // The last test closes the demo itself to read what the shutdown wrote.
  after(() => (closed ? rmSync(demo.stateDir, { recursive: true, force: true }) : demo?.stop()));

  it('a burst of N requests gives exactly N rows with the right fields', async () => {
    const N = 40;
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) => app(`/headers?i=${i}&token=secret-${i}&Code=c${i}`)),
    );
    for (const reply of replies) assert.equal(reply.status, 200);
    const rows = await settledRows(demo, grant.id, N);
    assert.equal(rows.length, N);
    const user = await demo.jitgate.store.users.findByName('alice');
    for (const row of rows) {
      assert.equal(row.user_id, user[0]?.id);
      assert.equal(row.resource_id, 'payroll');
      assert.equal(row.kind, 'http');
      assert.equal(row.method, 'GET');
      assert.equal(row.path, '/headers');
      assert.match(String(row.query), /^i=\d+&token=REDACTED&Code=REDACTED$/);
      assert.equal(row.status, 200);
      assert.equal(row.bytes_in, 0);
      assert.ok(Number(row.bytes_out) > 100);
      assert.ok(Number(row.duration_ms) > 0);
      assert.equal(row.upstream, demo.payroll.url);
      assert.equal(row.client_address, '127.0.0.1');
      assert.equal(row.user_agent, 'trail-test/1.0');
      assert.equal(row.body_json, null, 'a GET keeps no body');
    }
    const sizes = new Set(replies.map((r) => Buffer.byteLength(r.body)));
    for (const row of rows) assert.ok(sizes.has(Number(row.bytes_out)), 'bytes out = body size');
    assert.deepEqual(
      rows.map((r) => Number(/i=(\d+)/.exec(String(r.query))?.[1])).sort((a, b) => a - b),
      Array.from({ length: N }, (_, i) => i),
    );
  });

  it('redacted query parameters and cookies never reach the store', async () => {
    await app('/headers?password=hunter2&x=1');
    await settledRows(demo, grant.id, 41);
    const db = openSqlite(join(demo.stateDir, 'jitgate.db'));
    try {
      const everything = JSON.stringify(db.all('SELECT * FROM trail_requests'));
      assert.doesNotMatch(everything, /secret-|hunter2|=c\d/);
      assert.doesNotMatch(everything, new RegExp(cookie.split('=')[1] ?? 'never'));
    } finally {
      db.close();
    }
  });

  it('write bodies are kept redacted (payroll opts in); large ones by size only', async () => {
    const before = rowsOf(demo, grant.id).length;
    const json = JSON.stringify({
      user: 'alice',
      password: 'p',
      iban: 'DE00',
      deep: [{ token: 't' }],
    });
    assert.equal(
      (await app('/echo', { method: 'POST', body: json, type: 'application/json' })).body,
      json,
    );
    const big = 'x'.repeat(20_000);
    assert.equal(
      (await app('/echo', { method: 'POST', body: big, type: 'text/plain' })).status,
      200,
    );
    const rows = (await settledRows(demo, grant.id, before + 2)).slice(before);
    const [small, large] = rows;
    assert.deepEqual(JSON.parse(String(small?.body_json)), {
      contentType: 'application/json',
      size: Buffer.byteLength(json),
      text: JSON.stringify({
        user: 'alice',
        password: 'REDACTED',
        iban: 'REDACTED',
        deep: [{ token: 'REDACTED' }],
      }),
    });
    assert.equal(small?.bytes_in, Buffer.byteLength(json));
    assert.equal(small?.bytes_out, Buffer.byteLength(json), 'a chunked answer is counted');
    assert.deepEqual(JSON.parse(String(large?.body_json)), {
      contentType: 'text/plain',
      size: 20_000,
      text: null,
      note: 'truncated',
    });
    assert.equal(large?.bytes_out, 20_000);
  });

  it('a WebSocket is one row with its message counts both ways', async () => {
    const before = rowsOf(demo, grant.id).length;
    const { ws, outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo?token=abc', {
      cookie,
      origin: demo.payrollOrigin,
    });
    assert.equal(await outcome, 'open');
    for (const text of ['one', 'two', 'three']) {
      ws.send(text);
      await once(ws, 'message');
    }
    ws.close();
    await once(ws, 'close');
    const row = (await settledRows(demo, grant.id, before + 1))[before];
    assert.equal(row?.kind, 'websocket');
    assert.equal(row?.status, 101);
    assert.equal(row?.path, '/ws/echo');
    assert.equal(row?.query, 'token=REDACTED');
    assert.equal(row?.ws_messages_in, 3);
    assert.equal(row?.ws_messages_out, 3);
    assert.ok(Number(row?.bytes_in) > 0 && Number(row?.bytes_out) > 0);
  });

  it('an answer the app cuts short is marked cut, chunked or with a Content-Length', async () => {
    const before = rowsOf(demo, grant.id).length;
    for (const framing of ['chunked', 'length']) {
      const res = await appStream('GET', `/cut?framing=${framing}`);
      assert.equal(res.statusCode, 200);
      res.resume();
      await new Promise((resolve) => res.once('close', resolve));
      assert.equal(res.complete, false, `the client sees a cut ${framing} answer`);
    }
    const [chunked, length] = (await settledRows(demo, grant.id, before + 2)).slice(before);
    assert.deepEqual(
      [chunked?.query, chunked?.status, chunked?.ended, chunked?.bytes_out],
      ['framing=chunked', 200, 'cut', 1000],
    );
    assert.deepEqual(
      [length?.query, length?.status, length?.ended, length?.bytes_out],
      ['framing=length', 200, 'cut', -1],
    );
    const [whole] = await Promise.all([
      app('/headers?whole=1'),
      settledRows(demo, grant.id, before + 2),
    ]);
    assert.equal(whole.status, 200);
    const last = (await settledRows(demo, grant.id, before + 3))[before + 2];
    assert.equal(last?.ended, 'complete');
  });

  it('a client that leaves before the app answers: status 0, cut, and the app is let go', async () => {
    const before = rowsOf(demo, grant.id).length;
    const req = request({
      host: '127.0.0.1',
      port: demo.port,
      path: '/slow?ms=8000&left=1',
      agent: false,
      headers: { host: new URL(demo.payrollOrigin).host, cookie },
    });
    req.on('error', () => undefined);
    req.end();
    await waitFor(async () => (await liveConnections()) > 0, 2000, 'the exchange to start');
    const leftAt = Date.now();
    req.destroy();
    const rows = await settledRows(demo, grant.id, before + 1);
    assert.ok(Date.now() - leftAt < 3000, 'the row came long before the app would have answered');
    const row = rows[before];
    assert.deepEqual([row?.query, row?.status, row?.ended], ['ms=8000&left=1', 0, 'cut']);
    assert.equal(await liveConnections(), 0, 'nothing is left tracked for the grant');
  });

  it('long exchanges are rows while still open, then their end replaces them', async () => {
    const before = rowsOf(demo, grant.id).length;
    const { ws, outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      cookie,
      origin: demo.payrollOrigin,
    });
    assert.equal(await outcome, 'open');
    const upload = request({
      host: '127.0.0.1',
      port: demo.port,
      method: 'POST',
      path: '/echo?upload=1',
      agent: false,
      headers: { host: new URL(demo.payrollOrigin).host, cookie, 'content-type': 'text/plain' },
    });
    upload.write('first part');
    const [answer] = (await once(upload, 'response')) as [IncomingMessage];
    answer.resume();
    // Both under way: each has its row, `open`, before it ends.
    const mine = () =>
      rowsOf(demo, grant.id)
        .slice(before)
        .filter((r) => r.path === '/ws/echo' || r.query === 'upload=1');
    const open = await waitFor(
      () => {
        const rows = mine();
        return rows.length === 2 && rows.every((r) => r.ended === 'open') ? rows : undefined;
      },
      5000,
      'two open rows',
    );
    assert.deepEqual(open.map((r) => r.kind).sort(), ['http', 'websocket']);
    ws.send('hello');
    await once(ws, 'message');
    ws.close();
    await once(ws, 'close');
    upload.end('last part');
    await once(answer, 'end');
    const ended = await waitFor(
      async () => {
        await demo.jitgate.trail.flush();
        const rows = mine();
        return rows.every((r) => r.ended === 'complete') ? rows : undefined;
      },
      5000,
      'both ended',
    );
    assert.equal(ended.length, 2, 'one row each: the end replaced the open row');
    const socket = ended.find((r) => r.kind === 'websocket');
    assert.deepEqual([socket?.ws_messages_in, socket?.ws_messages_out], [1, 1]);
    const post = ended.find((r) => r.kind === 'http');
    assert.equal(post?.bytes_in, 'first partlast part'.length);
  });

  it('a clean shutdown writes every queued row', async () => {
    const before = rowsOf(demo, grant.id).length;
    await Promise.all(Array.from({ length: 10 }, (_, i) => app(`/headers?late=${i}`)));
    const metrics = await rawRequest(`${demo.url}/metrics`);
    const queued = Number(/^jitgate_trail_queued (\d+)$/m.exec(metrics.body)?.[1]);
    assert.ok(queued > 0, 'rows wait in the queue (the writer flushes once a second)');
    closed = true;
    await demo.close();
    assert.equal(rowsOf(demo, grant.id).length, before + 10);
  });
});
