// Grants end where it matters and persist where they should: bob's revoke over the API closes
// alice's open WebSocket to payroll within a second; expiry is announced and audited; a restart of the proxy on the same state
// folder keeps pending requests (still approvable) and live grants (still usable).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startDemo, type RunningDemo } from '../../../proxy/demo/start-demo.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { startTestDemo } from '../../support/demo.js';
import type { TestBrowser } from '../../support/http-client.js';
import { appWebSocket, waitFor } from '../../support/wire.js';
import { call, EventStream, portalCookie } from './api-client.js';

const APP_COOKIE = 'jitgate_session_app';

let demo: RunningDemo;
let stateDir = '';
let alice: TestBrowser;
let bob: TestBrowser;

before(async () => {
  const first = await startTestDemo();
  demo = first;
  stateDir = first.stateDir;
  alice = await first.login('alice');
  bob = await first.login('bob');
});
after(async () => {
  await demo.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const api = (who: TestBrowser, method: string, path: string, body?: unknown) =>
  call(who, demo.url, method, path, body);

/** Alice asks, bob approves: returns the request and the grant ids. */
async function grantAlice(duration = '30m') {
  const created = await api(alice, 'POST', '/api/v1/requests', {
    resource: 'payroll',
    duration,
    reason: 'payroll run',
  });
  assert.equal(created.status, 201, created.body);
  const requestId = (created.json.request as { id: string }).id;
  const approved = await api(bob, 'POST', `/api/v1/requests/${requestId}/approve`, {});
  assert.equal(approved.status, 200, approved.body);
  return { requestId, grantId: (approved.json.grant as { id: string }).id };
}

/** Payroll as alice's browser would call it from the app's own page. */
async function payrollStatus(): Promise<number> {
  const reply = await alice.navigate(`${demo.payrollOrigin}/headers`);
  return reply.status;
}

void describe('revoke over the API', () => {
  void it('closes alice’s open WebSocket to payroll within a second', async () => {
    const { grantId } = await grantAlice();
    assert.equal(await payrollStatus(), 200);
    const cookie = alice.jar.get('payroll.localhost', APP_COOKIE) ?? '';
    assert.ok(cookie);
    const { ws, outcome } = appWebSocket(demo.payrollOrigin, '/ws/echo', {
      cookie: `${APP_COOKIE}=${cookie}`,
      origin: demo.payrollOrigin,
    });
    assert.equal(await outcome, 'open');
    ws.send('ping');
    const [echo] = (await once(ws, 'message')) as [Buffer];
    assert.equal(echo.toString(), 'ping');
    const closed = once(ws, 'close');
    const revokedAt = Date.now();
    const reply = await api(bob, 'POST', `/api/v1/grants/${grantId}/revoke`, { reason: 'test' });
    assert.equal(reply.status, 200, reply.body);
    assert.equal((reply.json.grant as { state: string }).state, 'revoked');
    await closed;
    assert.ok(Date.now() - revokedAt < 1000, `closed after ${Date.now() - revokedAt} ms`);
    assert.equal(await payrollStatus(), 403);
  });

  void it('alice may release her own grant, not revoke it', async () => {
    const { grantId } = await grantAlice();
    const revoke = await api(alice, 'POST', `/api/v1/grants/${grantId}/revoke`, {});
    assert.equal(revoke.status, 403);
    assert.equal(revoke.json.error?.code, 'not_an_approver');
    const release = await api(alice, 'POST', `/api/v1/grants/${grantId}/release`, {});
    assert.equal(release.status, 200, release.body);
    assert.equal(await payrollStatus(), 403);
  });
});

void describe('expiry', () => {
  void it('is announced on alice’s stream and audited as grant.expired', async () => {
    const stream = await EventStream.open(demo.url, { cookie: portalCookie(alice) });
    const grant = await demo.jitgate.grants.grant({
      user: 'alice',
      resource: 'payroll',
      durationMs: 1000,
      actor: 'test',
    });
    await stream.next('grant.started', (d) => (d.grant as { id: string }).id === grant.id);
    const ended = await stream.next(
      'grant.ended',
      (d) => (d.grant as { id: string }).id === grant.id,
      2500,
    );
    assert.equal(ended.data.end, 'expired');
    assert.equal((ended.data.grant as { state: string }).state, 'expired');
    stream.close();
    const expired = await waitFor(
      async () => (await demo.jitgate.audit.list({ code: 'grant.expired', limit: 10 }))[0],
      2000,
      'the grant.expired event',
    );
    assert.equal(expired.data.grant, grant.id);
  });
});

void describe('restart', () => {
  void it('keeps pending requests and live grants', async () => {
    const { grantId } = await grantAlice('1h');
    // An extension asked for before the restart: pending while the proxy is down.
    const pending = await api(alice, 'POST', '/api/v1/requests', {
      resource: 'payroll',
      duration: '2h',
      reason: 'extension',
    });
    assert.equal(pending.status, 201, pending.body);
    const pendingId = (pending.json.request as { id: string }).id;

    await demo.close();
    demo = await startDemo({ port: 0, stateDir, log: silentLogger, postgres: false });

    // Same sessions (the store and the session secret survive), new port.
    const mine = await api(alice, 'GET', '/api/v1/requests?scope=mine');
    assert.equal(mine.status, 200, mine.body);
    const kept = (mine.json.requests as { id: string; state: string }[]).find(
      (r) => r.id === pendingId,
    );
    assert.equal(kept?.state, 'pending');
    const grants = await api(alice, 'GET', '/api/v1/grants');
    const live = (grants.json.grants as { id: string; live: boolean }[]).find(
      (g) => g.id === grantId,
    );
    assert.equal(live?.live, true);
    assert.equal(await payrollStatus(), 200, 'the grant book reloaded the live grant');

    const waiting = await api(bob, 'GET', '/api/v1/requests?scope=approvals');
    assert.deepEqual(
      (waiting.json.requests as { id: string }[]).map((r) => r.id),
      [pendingId],
    );
    const approved = await api(bob, 'POST', `/api/v1/requests/${pendingId}/approve`, {});
    assert.equal(approved.status, 200, approved.body);
    const verify = await demo.jitgate.audit.verify();
    assert.equal(verify.ok, true);
    const loads = await demo.jitgate.audit.list({ code: 'config.loaded', limit: 10 });
    assert.equal(loads.length, 2);
    assert.equal(loads[0]?.data.source, 'demo');
  });
});
