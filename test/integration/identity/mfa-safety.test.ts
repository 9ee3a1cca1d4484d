// What a second factor must never do: count for another person (bob's code or recovery code on
// alice's step-up, bob's step-up copied into alice's session), survive a guessing spree (3
// failures lock step-up for 15 minutes, audited, the right code refused meanwhile), or be asked
// for when a trusted IdP already did it (amr trust on for `trusted`, off for `corp`), unless the
// IdP did it longer ago than a step-up lasts (auth_time).
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { completeMfa, enrollOn, verifyOn } from '../../support/mfa.js';
import { startMfaProxy, type MfaProxy } from '../../support/mfa-proxy.js';
import { csrfOf } from '../../support/portal.js';
import { sessionIdOf } from '../../support/wire.js';
import type { TestBrowser } from '../../support/http-client.js';
import { call } from '../access/api-client.js';

let proxy: MfaProxy;
let requestId = '';

before(async () => {
  proxy = await startMfaProxy();
  const { browser: carl } = await proxy.login('carl');
  const body = { resource: 'payroll', duration: '30m', reason: 'audit prep' };
  const created = await call(carl, proxy.url, 'POST', '/api/v1/requests', body);
  requestId = String((created.json.request as { id: string }).id);
});
after(() => proxy.stop());

/** Signs in and adds an authenticator (first factor: no step-up needed). */
async function enrolled(username: string): Promise<TestBrowser> {
  const { browser } = await proxy.login(username);
  const page = await browser.navigate(`${proxy.url}/mfa/totp/enroll`);
  await enrollOn(browser, page, proxy.authenticator(username));
  return browser;
}

const approve = (browser: TestBrowser) =>
  call(browser, proxy.url, 'POST', `/api/v1/requests/${requestId}/approve`, {});
const verifyPage = (browser: TestBrowser) => browser.navigate(`${proxy.url}/mfa/verify?rd=%2F`);

void describe('a factor of bob never counts for alice', () => {
  let alice: TestBrowser;
  let bob: TestBrowser;

  before(async () => {
    alice = await enrolled('alice');
    bob = await enrolled('bob');
  });

  void it('bob’s current code and bob’s recovery code fail alice’s step-up', async () => {
    const page = await verifyPage(alice);
    const bobs = proxy.authenticator('bob');
    for (const [field, value] of [
      ['code', await bobs.totp()],
      ['recoveryCode', bobs.recoveryCodes[0] ?? ''],
    ] as const) {
      const reply = await alice.postForm(`${proxy.url}/mfa/verify`, {
        _csrf: csrfOf(page),
        rd: '/',
        [field]: value,
      });
      assert.equal(reply.status, 400, `${field}: ${reply.body.slice(0, 200)}`);
      assert.equal(reply.headers['x-jitgate-error'], 'mfa_code_invalid');
    }
  });

  void it('bob’s fresh step-up copied into another approver’s session does not count', async () => {
    const { browser: otto } = await proxy.login('otto');
    assert.equal((await approve(otto)).json.error?.code, 'mfa_required');
    const sessions = proxy.jitgate.store.sessions;
    const bobRow = await sessions.get(
      sessionIdOf(bob.jar.get('localhost', 'jitgate_session') ?? ''),
    );
    const ottoSid = sessionIdOf(otto.jar.get('localhost', 'jitgate_session') ?? '');
    const ottoRow = await sessions.get(ottoSid);
    assert.ok(bobRow && ottoRow);
    const bobMfa = (JSON.parse(bobRow.data) as { mfa?: { userId: string } }).mfa;
    assert.equal(bobMfa?.userId, 'corp:bob', 'bob’s session holds his fresh step-up');
    const forged = { ...(JSON.parse(ottoRow.data) as object), mfa: bobMfa };
    await sessions.update({ ...ottoRow, data: JSON.stringify(forged) }, Date.now());
    const reply = await approve(otto);
    assert.equal(reply.status, 403);
    assert.equal(reply.json.error?.code, 'mfa_required');
  });

  void it('alice’s own code passes', async () => {
    const back = await verifyOn(alice, await verifyPage(alice), proxy.authenticator('alice'));
    assert.equal(new URL(back.url).pathname, '/');
  });
});

void describe('failed attempts lock step-up', () => {
  void it('three wrong codes lock it; while locked the right code fails too; all audited', async () => {
    const carl = await enrolled('carl');
    const page = await verifyPage(carl);
    const post = (code: string) =>
      carl.postForm(`${proxy.url}/mfa/verify`, { _csrf: csrfOf(page), rd: '/', code });
    const statuses = [];
    for (const code of ['111111', '222222', '333333']) statuses.push((await post(code)).status);
    assert.deepEqual(statuses, [400, 400, 429]);
    const locked = await post(await proxy.authenticator('carl').totp());
    assert.equal(locked.status, 429);
    assert.match(locked.body, /id="mfa-locked"/);
    assert.match((await verifyPage(carl)).body, /Too many failed attempts/);

    const events = await proxy.jitgate.audit.list({ actor: 'corp:carl', limit: 50 });
    const codes = events
      .filter((e) => e.code.startsWith('mfa.'))
      .map((e) => `${e.code}${e.reason ? `:${e.reason}` : ''}`);
    assert.deepEqual(codes.slice(-5), [
      'mfa.failed:mismatch',
      'mfa.failed:mismatch',
      'mfa.failed:mismatch',
      'mfa.locked_out',
      'mfa.failed:locked',
    ]);
    assert.equal(codes.filter((c) => c === 'mfa.locked_out').length, 1);

    proxy.clock.skew += 15 * 60_000;
    const back = await verifyOn(carl, await verifyPage(carl), proxy.authenticator('carl'));
    assert.equal(new URL(back.url).pathname, '/');
  });
});

void describe('MFA from the IdP', () => {
  // The IdP keeps real time and jitgate dates its step-up from the IdP's auth_time: both clocks
  // agree again here, whatever the tests above moved.
  before(() => {
    proxy.clock.skew = 0;
  });

  void it('trusted IdP, amr [pwd, otp]: no prompt, the login is the step-up', async () => {
    const { browser, landed } = await proxy.login('otto', 'trusted');
    assert.equal(new URL(landed.url).pathname, '/');
    const reply = await approve(browser);
    assert.equal(reply.status, 200, reply.body);
    const [event] = await proxy.jitgate.audit.list({
      actor: 'trusted:otto',
      code: 'mfa.succeeded',
      limit: 5,
    });
    assert.equal(event?.data.method, 'idp');
    assert.deepEqual(event?.data.amr, ['pwd', 'otp']);
  });

  void it('the same person through the untrusted entry gets no step-up from amr', async () => {
    const { browser } = await proxy.login('otto', 'corp');
    const wiki = { resource: 'wiki', duration: '30m', reason: 'notes' };
    const { browser: carl } = await proxy.login('carl');
    const created = await call(carl, proxy.url, 'POST', '/api/v1/requests', wiki);
    const id = String((created.json.request as { id: string }).id);
    const reply = await call(browser, proxy.url, 'POST', `/api/v1/requests/${id}/approve`, {});
    assert.equal(reply.json.error?.code, 'mfa_required');
  });

  void it('a trusted IdP whose MFA is older than the step-up window gives no step-up', async () => {
    // jitgate's clock runs 20 minutes ahead of the IdP's: the factor the IdP checked (auth_time)
    // is twice the step-up window old when jitgate sees the login, as after a sign-in riding on
    // an old IdP session. It shows nobody at the keyboard now, so an approval still asks for MFA.
    const { browser: carl } = await proxy.login('carl');
    const crm = { resource: 'crm', duration: '30m', reason: 'customer call' };
    const created = await call(carl, proxy.url, 'POST', '/api/v1/requests', crm);
    const id = String((created.json.request as { id: string }).id);
    proxy.clock.skew += 20 * 60_000;
    try {
      const { browser } = await proxy.login('otto', 'trusted');
      const reply = await call(browser, proxy.url, 'POST', `/api/v1/requests/${id}/approve`, {});
      assert.equal(reply.json.error?.code, 'mfa_required', reply.body);
    } finally {
      proxy.clock.skew -= 20 * 60_000;
    }
  });

  void it('a trusted IdP whose amr shows only a password counts for nothing', async () => {
    const { browser, landed } = await proxy.login('bob', 'trusted');
    assert.equal(new URL(landed.url).pathname, '/');
    const done = await completeMfa(browser, landed, proxy.authenticator('bob'));
    assert.equal(done, landed, 'no MFA page at login: atLogin is off');
    const events = await proxy.jitgate.audit.list({
      actor: 'trusted:bob',
      code: 'mfa.succeeded',
      limit: 5,
    });
    assert.deepEqual(events, []);
  });
});
