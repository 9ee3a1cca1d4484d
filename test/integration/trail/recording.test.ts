// What the gateway writes to the trail, read straight from the SQLite rows: a burst of requests
// gives exactly one row each with the right person, grant, resource and sizes; configured query
// parameters and body fields never reach the store; bodies are kept only for writes; WebSockets
// are one row with message counts; refusals are no rows; a clean shutdown writes what is queued.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
