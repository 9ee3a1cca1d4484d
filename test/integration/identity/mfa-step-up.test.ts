// Step-up MFA before approving, over the API with real sessions: bob's approval is refused with
// 403 mfa_required and a stepUpUrl (nothing recorded); the step-up page sends him to enroll; the
// enrollment is the step-up and changes his session id; the approval then goes through; after
// stepUpFreshness (a moved clock) it is refused again until he verifies a code; a bearer token
// never carries a step-up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { TestBrowser } from '../../support/http-client.js';
import { enrollOn, verifyOn } from '../../support/mfa.js';
import { startMfaProxy, type MfaProxy } from '../../support/mfa-proxy.js';
import { sessionIdOf } from '../../support/wire.js';
import { bearerCall, call, type ApiReply } from '../access/api-client.js';

let proxy: MfaProxy;
let alice: TestBrowser;
let bob: TestBrowser;
const ids: Record<string, string> = {};

before(async () => {
  proxy = await startMfaProxy();
  alice = (await proxy.login('alice')).browser;
  bob = (await proxy.login('bob')).browser;
  for (const resource of ['payroll', 'wiki', 'crm']) {
    const body = { resource, duration: '30m', reason: 'quarter close' };
    const created = await call(alice, proxy.url, 'POST', '/api/v1/requests', body);
    assert.equal(created.status, 201, created.body);
    ids[resource] = String((created.json.request as { id: string }).id);
  }
});
after(() => proxy.stop());

const asBob = (path: string, body: unknown = {}) => call(bob, proxy.url, 'POST', path, body);
const approve = (resource: string) => asBob(`/api/v1/requests/${ids[resource]}/approve`);

function stepUpRequired(reply: ApiReply, rd = '/approvals') {
  assert.equal(reply.status, 403, reply.body);
  assert.equal(reply.headers['x-jitgate-error'], 'mfa_required');
  const error = reply.json.error as { code: string; stepUpUrl?: string };
  assert.equal(error.code, 'mfa_required');
  assert.equal(error.stepUpUrl, `/mfa/verify?rd=${encodeURIComponent(rd)}`);
  return error.stepUpUrl;
}

const portalSid = (browser: TestBrowser) =>
  sessionIdOf(browser.jar.get('localhost', 'jitgate_session') ?? '');

void describe('approving needs a fresh step-up', () => {
  let stepUpUrl = '';

  void it('refuses bob’s approval and denial with mfa_required and records nothing', async () => {
    stepUpUrl = stepUpRequired(await approve('payroll'));
    const deny = await asBob(`/api/v1/requests/${ids.payroll}/deny`, { comment: 'no' });
    stepUpRequired(deny);
    const mine = await call(alice, proxy.url, 'GET', '/api/v1/requests');
    const states = (mine.json.requests as { state: string }[]).map((r) => r.state);
    assert.deepEqual(states, ['pending', 'pending', 'pending']);
    const recorded = await proxy.jitgate.audit.list({
      code: 'request.approval_recorded',
      limit: 5,
    });
    assert.equal(recorded.length, 0);
  });

  void it('asks alice, who may not approve, nothing about MFA: the refusal comes first', async () => {
    const reply = await call(alice, proxy.url, 'POST', `/api/v1/requests/${ids.wiki}/approve`, {});
    assert.equal(reply.status, 403);
    assert.equal(reply.json.error?.code, 'not_an_approver');
  });

  void it('sends bob without a factor to enroll; enrolling is the step-up, in a new session', async () => {
    const before = portalSid(bob);
    const enroll = await bob.navigate(`${proxy.url}${stepUpUrl}`);
    assert.equal(new URL(enroll.url).pathname, '/mfa/totp/enroll');
    assert.equal(new URL(enroll.url).searchParams.get('rd'), '/approvals');
    assert.equal(enroll.headers['cache-control'], 'no-store');
    const done = await enrollOn(bob, enroll, proxy.authenticator('bob'));
    assert.equal(done.status, 200, done.body.slice(0, 300));
    assert.equal(proxy.authenticator('bob').recoveryCodes.length, 10);
    assert.match(done.body, /id="mfa-continue" href="\/approvals"/);

    const after = portalSid(bob);
    assert.notEqual(after, before, 'the session id changed with the step-up');
    assert.equal(await proxy.jitgate.store.sessions.get(before), undefined, 'the old id is dead');
    const me = await call(bob, proxy.url, 'GET', '/api/v1/me');
    assert.equal((me.json.user as { id: string }).id, 'corp:bob');
  });

  void it('then approves', async () => {
    const reply = await approve('payroll');
    assert.equal(reply.status, 200, reply.body);
    assert.ok(reply.json.grant, 'the grant started');
  });

  void it('after stepUpFreshness (10m) refuses again until bob verifies a code', async () => {
    proxy.clock.skew += 10 * 60_000 + 1000;
    const url = stepUpRequired(await approve('wiki'));
    const before = portalSid(bob);
    const page = await bob.navigate(`${proxy.url}${url}`);
    assert.equal(new URL(page.url).pathname, '/mfa/verify');
    const wrong = await bob.postForm(`${proxy.url}/mfa/verify`, {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '',
      rd: '/approvals',
      code: '000000',
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.headers['x-jitgate-error'], 'mfa_code_invalid');
    const back = await verifyOn(bob, page, proxy.authenticator('bob'));
    assert.equal(new URL(back.url).pathname, '/approvals');
    assert.notEqual(portalSid(bob), before);
    assert.equal((await approve('wiki')).status, 200);
  });

  void it('never takes a bearer token as a step-up, even one issued to a fresh session', async () => {
    const issued = await asBob('/api/v1/tokens', { label: 'cli' });
    assert.equal(issued.status, 201, issued.body);
    const token = String(issued.json.token);
    const reply = await bearerCall(
      token,
      proxy.url,
      'POST',
      `/api/v1/requests/${ids.crm}/approve`,
      {},
    );
    stepUpRequired(reply);
  });

  void it('audits every step-up, and no code ever reaches the log', async () => {
    const succeeded = await proxy.jitgate.audit.list({ code: 'mfa.succeeded', limit: 10 });
    assert.deepEqual(
      succeeded.map((e) => [e.actor, e.data.method]),
      [
        ['corp:bob', 'totp'],
        ['corp:bob', 'totp'],
      ],
    );
    const enrolled = await proxy.jitgate.audit.list({ code: 'mfa.enrolled', limit: 10 });
    assert.equal(enrolled.length, 1);
    const failed = await proxy.jitgate.audit.list({ code: 'mfa.failed', limit: 10 });
    assert.equal(failed.length, 1);
    const everything = JSON.stringify(await proxy.jitgate.audit.list({ limit: 1000 }));
    const { secret, recoveryCodes } = proxy.authenticator('bob');
    for (const value of [secret ?? 'none', ...recoveryCodes])
      assert.ok(!everything.includes(value));
  });
});
