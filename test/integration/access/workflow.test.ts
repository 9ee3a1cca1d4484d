// The request workflow over the API with two people in two sessions: alice asks for payroll,
// both her stream and bob's (an approver) hear of it, bob approves and alice's stream reports the
// grant within a second, and she reaches payroll through the gateway; then bob revokes it. Around
// it: a duplicate request, and the audit chain the run leaves (refusals.test.ts has the rest).
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { runCli } from '../../support/cli.js';
import type { TestBrowser } from '../../support/http-client.js';
import { call, EventStream, portalCookie, type ApiReply } from './api-client.js';

let demo: TestDemo;
let alice: TestBrowser;
let bob: TestBrowser;
let aliceStream: EventStream;
let bobStream: EventStream;
/** Alice's first request and the grant bob's approval gives her. */
let requestId = '';
let grantId = '';

before(async () => {
  demo = await startTestDemo();
  alice = await demo.login('alice');
  bob = await demo.login('bob');
});
after(async () => {
  aliceStream?.close();
  bobStream?.close();
  await demo.stop();
});

const asAlice = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(alice, demo.url, method, path, body, headers);
const asBob = (method: string, path: string, body?: unknown) =>
  call(bob, demo.url, method, path, body);

function refused(reply: ApiReply, status: number, code: string) {
  assert.equal(reply.status, status, reply.body.slice(0, 300));
  assert.equal(reply.json.error?.code, code);
  assert.equal(reply.headers['x-jitgate-error'], code);
}

const payroll = { resource: 'payroll', duration: '30m', reason: 'month-end run' };

void describe('alice requests, bob approves', () => {
  before(async () => {
    aliceStream = await EventStream.open(demo.url, { cookie: portalCookie(alice) });
    bobStream = await EventStream.open(demo.url, { cookie: portalCookie(bob) });
    assert.equal(aliceStream.status, 200);
    assert.equal(bobStream.status, 200);
  });

  void it('lists payroll as requestable, needing approval', async () => {
    const reply = await asAlice('GET', '/api/v1/resources');
    assert.equal(reply.status, 200);
    const [resource] = reply.json.resources as Record<string, unknown>[];
    assert.equal(resource?.id, 'payroll');
    assert.deepEqual(resource?.access, { state: 'none' });
    assert.deepEqual(resource?.policy, {
      requestable: true,
      maxDuration: '8h',
      maxDurationMs: 8 * 3_600_000,
      requireReason: true,
      ticketPattern: null,
      needsApproval: true,
      reasons: ['needs 1 approval from approvers (policy staff-payroll)'],
    });
  });

  void it('creates a pending request that both streams report', async () => {
    const reply = await asAlice('POST', '/api/v1/requests', payroll);
    assert.equal(reply.status, 201, reply.body);
    const request = reply.json.request as Record<string, unknown>;
    requestId = String(request.id);
    assert.match(requestId, /^req_/);
    assert.equal(request.state, 'pending');
    assert.equal(request.duration, '30m');
    assert.equal(reply.json.grant, null);
    assert.equal((reply.json.decision as { outcome: string }).outcome, 'needs_approval');
    const byId = (d: Record<string, unknown>) => (d.request as { id: string }).id === requestId;
    const mine = await aliceStream.next('request.created', byId);
    assert.equal((mine.data.request as { reason: string }).reason, 'month-end run');
    const theirs = await bobStream.next('request.created', byId);
    assert.equal(
      (theirs.data.request as { requester: { username: string } }).requester.username,
      'alice',
    );
  });

  void it('refuses a second pending request for the same resource', async () => {
    refused(await asAlice('POST', '/api/v1/requests', payroll), 409, 'request_pending');
  });

  void it('shows the request as pending to alice and waiting to bob', async () => {
    const resources = await asAlice('GET', '/api/v1/resources');
    const [resource] = resources.json.resources as { access: unknown }[];
    assert.deepEqual(resource?.access, { state: 'pending', request: requestId });
    const waiting = await asBob('GET', '/api/v1/requests?scope=approvals');
    assert.deepEqual(
      (waiting.json.requests as { id: string }[]).map((r) => r.id),
      [requestId],
    );
    const none = await asAlice('GET', '/api/v1/requests?scope=approvals');
    assert.deepEqual(none.json.requests, []);
    refused(await asAlice('GET', '/api/v1/requests?scope=everyone'), 400, 'invalid_query');
  });

  void it('alice may not approve it (not an approver)', async () => {
    const reply = await asAlice('POST', `/api/v1/requests/${requestId}/approve`, {});
    refused(reply, 403, 'not_an_approver');
    assert.ok(reply.json.error?.reasons?.length, 'the refusal carries its reasons');
  });

  void it('bob approves; alice hears grant.started within a second and reaches payroll', async () => {
    const before = aliceStream.events.length;
    const approvedAt = Date.now();
    const reply = await asBob('POST', `/api/v1/requests/${requestId}/approve`, {
      comment: 'ok for month end',
    });
    assert.equal(reply.status, 200, reply.body);
    const grant = reply.json.grant as { id: string; live: boolean; user: string };
    grantId = grant.id;
    assert.equal(grant.live, true);
    const started = await aliceStream.next(
      'grant.started',
      (d) => (d.grant as { id: string }).id === grantId,
      1000,
      before,
    );
    assert.ok(started.at - approvedAt < 1000);
    await aliceStream.next(
      'request.updated',
      (d) => (d.request as { state: string }).state === 'approved',
    );
    const app = await alice.navigate(`${demo.payrollOrigin}/headers`);
    assert.equal(app.status, 200, app.body.slice(0, 200));
    const resources = await asAlice('GET', '/api/v1/resources');
    const [resource] = resources.json.resources as { access: { state: string; grant: string } }[];
    assert.equal(resource?.access.state, 'active');
    assert.equal(resource?.access.grant, grantId);
  });

  void it('bob does not hear of alice’s grant; his queue is empty', async () => {
    assert.ok(!bobStream.events.some((e) => e.event === 'grant.started'));
    const waiting = await asBob('GET', '/api/v1/requests?scope=approvals');
    assert.deepEqual(waiting.json.requests, []);
  });
});

void describe('ending the grant and the audit trail', () => {
  void it('bob revokes alice’s grant; her stream hears grant.ended', async () => {
    const reply = await asBob('POST', `/api/v1/grants/${grantId}/revoke`, { reason: 'done' });
    assert.equal(reply.status, 200, reply.body);
    const ended = await aliceStream.next(
      'grant.ended',
      (d) => (d.grant as { id: string }).id === grantId,
    );
    assert.equal(ended.data.end, 'revoked');
    refused(await asAlice('POST', `/api/v1/grants/${grantId}/release`, {}), 409, 'grant_not_live');
    const app = await alice.request(`${demo.payrollOrigin}/headers`, {
      headers: { accept: 'application/json', 'sec-fetch-mode': 'cors' },
    });
    assert.equal(app.status, 403);
  });

  void it('audit verify is ok, and the chain holds the workflow in order', async () => {
    const result = await runCli(['audit', 'verify', '--state-dir', demo.stateDir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { ok: boolean }).ok, true);
    const events = await demo.jitgate.audit.list({ order: 'asc', limit: 1000 });
    const codes = events.map((e) => e.code);
    const expected = [
      'config.loaded',
      'auth.login',
      'auth.login',
      'request.created',
      'request.approval_recorded',
      'grant.started',
      'request.approved',
      'grant.revoked',
    ];
    let at = 0;
    for (const code of codes) if (code === expected[at]) at++;
    assert.equal(at, expected.length, `in order: ${expected.join(', ')}\nlog: ${codes.join(', ')}`);
    const approved = events.find((e) => e.code === 'request.approved');
    assert.equal(approved?.data.request, requestId);
    assert.equal(approved?.data.grant, grantId);
  });
});
