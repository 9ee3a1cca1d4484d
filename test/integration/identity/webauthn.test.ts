// Passkeys over HTTP, with a software authenticator (support/soft-authenticator.ts) on the MFA
// test proxy (portal http://localhost:PORT, no MFA at login): a first passkey needs no step-up
// and brings recovery codes; a further factor needs a fresh one; a passkey step-up lets bob
// approve; an answer replayed, or carried into alice's session, is refused; CSRF is required;
// the pages allow same-origin scripts only, which the asset route serves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { enrollOn } from '../../support/mfa.js';
import { startMfaProxy, type MfaProxy } from '../../support/mfa-proxy.js';
import type { Reply, TestBrowser } from '../../support/http-client.js';
import { csrfOf } from '../../support/portal.js';
import { SoftCredential } from '../../support/soft-authenticator.js';
import { call } from '../access/api-client.js';

let proxy: MfaProxy;
let requestId = '';

before(async () => {
  proxy = await startMfaProxy();
  const { browser: carl } = await proxy.login('carl');
  const body = { resource: 'payroll', duration: '30m', reason: 'quarter close' };
  const created = await call(carl, proxy.url, 'POST', '/api/v1/requests', body);
  requestId = String((created.json.request as { id: string }).id);
});
after(() => proxy.stop());

interface JsonReply extends Reply {
  json: Record<string, unknown>;
}

async function postJson(browser: TestBrowser, path: string, body: object): Promise<JsonReply> {
  const reply = await browser.request(`${proxy.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(reply.body) as Record<string, unknown>;
  } catch {
    // an HTML answer (the CSRF refusal page)
  }
  return { ...reply, json };
}

type Options = { challenge: string };

/** A ceremony call's refusal has the documented shape: `{error: {code, message}}`, and the header. */
function assertRefusal(reply: Reply & { json: Record<string, unknown> }, code: string) {
  const error = reply.json.error as { code?: unknown; message?: unknown } | undefined;
  assert.equal(error?.code, code, reply.body);
  assert.equal(typeof error?.message, 'string');
  assert.equal(reply.headers['x-jitgate-error'], code);
}

/** Runs the registration ceremony of `page` (an enroll page) with `passkey`. */
async function register(browser: TestBrowser, page: Reply, passkey: SoftCredential, name: string) {
  const _csrf = csrfOf(page);
  const options = await postJson(browser, '/mfa/webauthn/enroll/options', { _csrf, rd: '/' });
  assert.equal(options.status, 200, options.body);
  const answer = passkey.register(options.json as unknown as Options);
  return postJson(browser, '/mfa/webauthn/enroll', { _csrf, rd: '/', name, response: answer });
}

void describe('passkeys over HTTP', () => {
  let bob: TestBrowser;
  const bobsPasskey = () => new SoftCredential('localhost', proxy.url);
  const passkeys = new Map<string, SoftCredential>();

  void it('the enroll page allows same-origin scripts only, and they are served', async () => {
    ({ browser: bob } = await proxy.login('bob'));
    const page = await bob.navigate(`${proxy.url}/mfa/webauthn/enroll?rd=%2F`);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.doesNotMatch(page.body, /<script>/, 'no inline script');
    for (const src of page.body.matchAll(/<script src="([^"]+)"/g)) {
      const asset = await bob.request(new URL(src[1] ?? '', proxy.url).href);
      assert.equal(asset.status, 200);
      assert.match(String(asset.headers['content-type']), /text\/javascript/);
    }
  });

  void it('bob’s first factor, a passkey, needs no step-up and brings recovery codes', async () => {
    const page = await bob.navigate(`${proxy.url}/mfa/webauthn/enroll?rd=%2F`);
    const passkey = bobsPasskey();
    passkeys.set('bob', passkey);
    const done = await register(bob, page, passkey, 'YubiKey');
    assert.equal(done.status, 200, done.body);
    assert.equal(done.json.name, 'YubiKey');
    assert.equal((done.json.recoveryCodes as string[]).length, 10);
    assert.equal(done.json.redirect, '/');
    const security = await bob.navigate(`${proxy.url}/mfa`);
    assert.match(security.body, /data-type="webauthn"[\s\S]*YubiKey/);
  });

  void it('without CSRF token the ceremony is refused', async () => {
    const reply = await postJson(bob, '/mfa/webauthn/verify/options', { rd: '/' });
    assert.equal(reply.status, 403);
    assert.equal(reply.headers['x-jitgate-error'], 'csrf_refused');
  });

  void it('a later sign-in steps up with the passkey to approve; the answer works once', async () => {
    const { browser } = await proxy.login('bob');
    bob = browser;
    assert.equal(
      (await call(bob, proxy.url, 'POST', `/api/v1/requests/${requestId}/approve`, {})).json.error
        ?.code,
      'mfa_required',
    );
    // A further factor needs a fresh step-up: the page sends him to /mfa/verify first.
    const gated = await bob.request(`${proxy.url}/mfa/webauthn/enroll?rd=%2F`);
    assert.equal(gated.status, 302);
    assert.match(String(gated.headers.location), /^\/mfa\/verify\?rd=/);

    const verify = await bob.navigate(`${proxy.url}/mfa/verify?rd=%2F`);
    assert.match(verify.body, /data-form="verify-webauthn"/);
    const page = await bob.navigate(`${proxy.url}/mfa/webauthn/verify?rd=%2Fapprovals`);
    const _csrf = csrfOf(page);
    const options = await postJson(bob, '/mfa/webauthn/verify/options', {
      _csrf,
      rd: '/approvals',
    });
    assert.equal(options.status, 200, options.body);
    const answer = passkeys.get('bob')?.assert(options.json as unknown as Options);
    const passed = await postJson(bob, '/mfa/webauthn/verify', {
      _csrf,
      rd: '/approvals',
      response: answer,
    });
    assert.equal(passed.status, 200, passed.body);
    assert.equal(passed.json.redirect, '/approvals');

    const approved = await call(
      bob,
      proxy.url,
      'POST',
      `/api/v1/requests/${requestId}/approve`,
      {},
    );
    assert.equal(approved.status, 200, approved.body);

    // The same answer again (new session, same challenge): refused.
    const page2 = await bob.navigate(`${proxy.url}/mfa/webauthn/verify?rd=%2F`);
    const replay = await postJson(bob, '/mfa/webauthn/verify', {
      _csrf: csrfOf(page2),
      rd: '/',
      response: answer,
    });
    assert.equal(replay.status, 400);
    assertRefusal(replay, 'webauthn_refused');
  });

  void it('bob’s passkey answer never passes alice’s step-up', async () => {
    const { browser: alice } = await proxy.login('alice');
    await enrollOn(
      alice,
      await alice.navigate(`${proxy.url}/mfa/totp/enroll`),
      proxy.authenticator('alice'),
    );
    const page = await alice.navigate(`${proxy.url}/mfa/webauthn/verify?rd=%2F`);
    // alice has no passkey: the passkey page sends her to the general step-up page.
    assert.equal(new URL(page.url).pathname, '/mfa/verify');
    const _csrf = csrfOf(page);
    const options = await postJson(alice, '/mfa/webauthn/verify/options', { _csrf, rd: '/' });
    assertRefusal(options, 'mfa_not_enrolled');
    // Even with a challenge of bob's ceremony in hand, bob's passkey answers in her session fail.
    const bobPage = await bob.navigate(`${proxy.url}/mfa/webauthn/verify?rd=%2F`);
    const bobOptions = await postJson(bob, '/mfa/webauthn/verify/options', {
      _csrf: csrfOf(bobPage),
      rd: '/',
    });
    const answer = passkeys.get('bob')?.assert(bobOptions.json as unknown as Options);
    const refused = await postJson(alice, '/mfa/webauthn/verify', {
      _csrf,
      rd: '/',
      response: answer,
    });
    assert.equal(refused.status, 400);
    assertRefusal(refused, 'webauthn_refused');
    const [failed] = await proxy.jitgate.audit.list({
      code: 'mfa.failed',
      order: 'desc',
      limit: 1,
    });
    assert.equal(failed?.actor, 'corp:alice');
  });
});
