// The auditor's API routes on a small Express app whose caller (what authenticate() sets from a
// portal session or a bearer token) is named by a test header: who
// may read, what the filters and cursors return, and that exporting is audited. The portal's
// Audit page is tested against the demo (test/integration/portal/audit-page.test.ts).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { Authorization } from '../../../proxy/access/authorization.js';
import { auditApiRoutes } from '../../../proxy/api/audit-routes.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import type { AuditEvent } from '../../../proxy/audit/types.js';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import { errorHandler } from '../../../proxy/server/error-handler.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';

const T0 = Date.parse('2025-03-10T09:00:00Z');
const user = (username: string, groups: string[]): SessionUser => ({
  id: `corp:${username}`,
  idp: 'corp',
  username,
  email: null,
  name: null,
  groups,
  kind: 'person',
  loginAt: T0,
});
const USERS: Record<string, SessionUser> = {
  carol: user('carol', ['staff', 'auditors']),
  alice: user('alice', ['staff']),
};

const store = openSqliteStore(':memory:');
let now = T0;
const audit = new AuditLog(store.audit, store, () => now);
let base: string;
let close: () => void;

before(async () => {
  for (let i = 1; i <= 60; i++) {
    now = T0 + i * 60_000;
    await audit.record({
      code: i % 2 ? 'auth.login' : 'grant.started',
      actor: i % 3 ? 'corp:alice' : 'corp:bob',
      target: `grt_${i}`,
      reason: i === 7 ? '<script>alert(1)</script>' : null,
    });
  }
  const app = express();
  app.use((req, _res, next) => {
    const who = USERS[req.get('x-test-user') ?? ''];
    if (who) {
      const stillValid = () => Promise.resolve(true);
      req.caller = { user: who, how: 'session', token: null, credential: 'session:t', stillValid };
    }
    next();
  });
  const authorization = new Authorization({
    adminGroups: [],
    auditorGroups: ['auditors'],
    policies: [],
  });
  const deps = { audit, authorization };
  app.use('/api/v1', auditApiRoutes(deps));
  app.use(errorHandler(silentLogger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
after(() => close());

const get = (path: string, who?: string, accept = 'application/json') =>
  fetch(base + path, {
    redirect: 'manual',
    headers: { accept, ...(who ? { 'x-test-user': who } : {}) },
  });

describe('GET /api/v1/audit', () => {
  test('is for signed-in auditors only', async () => {
    assert.equal((await get('/api/v1/audit')).status, 401);
    const refused = await get('/api/v1/audit', 'alice');
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('x-jitgate-error'), 'auditor_required');
  });

  test('pages forward by seq with next, and filters', async () => {
    const read = async (query: string) =>
      (await (await get(`/api/v1/audit?${query}`, 'carol')).json()) as {
        events: AuditEvent[];
        next: number | null;
      };
    const first = await read('limit=2');
    assert.deepEqual([first.events.map((e) => e.seq), first.next], [[1, 2], 2]);
    const second = await read(`limit=2&afterSeq=${first.next}`);
    assert.deepEqual(
      second.events.map((e) => e.seq),
      [3, 4],
    );
    const bob = await read('actor=corp:bob&code=grant.started&limit=100');
    assert.deepEqual(
      [bob.events.map((e) => e.seq), bob.next],
      [[6, 12, 18, 24, 30, 36, 42, 48, 54, 60], null],
    );
    const window = await read('from=2025-03-10T09:02:00Z&to=2025-03-10T09:04:00Z');
    assert.deepEqual(
      window.events.map((e) => e.seq),
      [2, 3],
    );
  });

  test('bad queries are 400 invalid_query', async () => {
    for (const query of ['from=yesterday', 'limit=5000', 'afterSeq=-1', 'code=a&code=b']) {
      const response = await get(`/api/v1/audit?${query}`, 'carol');
      assert.equal(response.status, 400, query);
      assert.equal(response.headers.get('x-jitgate-error'), 'invalid_query');
    }
  });

  test('export streams JSON lines and is itself audited first', async () => {
    const response = await get('/api/v1/audit/export?actor=corp:carol', 'carol');
    assert.equal(response.status, 200);
    const lines = (await response.text()).trim().split('\n');
    const events = lines.map((line) => JSON.parse(line) as AuditEvent);
    assert.deepEqual(
      events.map((e) => [e.code, e.data]),
      [['audit.exported', { filter: { actor: 'corp:carol' }, via: 'api' }]],
    );
    assert.equal((await audit.verify()).ok, true);
  });
});
