// The OIDC callback's checks against the embedded IdP: missing, unknown and replayed state, a
// wrong nonce, a wrong issuer (RFC 9207), an IdP error; none of them starts a session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { LoginTransactions } from '../../../proxy/identity/login-transactions.js';
import { TestBrowser } from '../../support/http-client.js';
import { completeMfa } from '../../support/mfa.js';
import { assertRefused, oidcLoginSteps, PORTAL_COOKIE } from '../../support/oidc-login.js';

let demo: TestDemo;
before(async () => {
  demo = await startTestDemo();
});
after(() => demo.stop());

const { startLogin, callbackUrl, callbackUrlOf, me } = oidcLoginSteps(() => demo);

void describe('the callback refuses what it cannot verify', () => {
  void it('refuses a callback without state, and starts no session', async () => {
    const login = await startLogin();
    const reply = await login.browser.request(`${callbackUrl()}?code=abc`);
    assertRefused(reply, 400, 'login_expired');
    assert.match(reply.body, /login_expired/);
    assertRefused(await me(login.browser), 401, 'unauthenticated');
  });

  void it('refuses a callback with an unknown state, and starts no session', async () => {
    const login = await startLogin();
    const reply = await login.browser.request(
      `${callbackUrl()}?code=abc&state=not-the-state-we-sent`,
    );
    assertRefused(reply, 400, 'login_expired');
    assertRefused(await me(login.browser), 401, 'unauthenticated');
  });

  void it('redeems a callback URL once: a replay is refused, with or without cookies', async () => {
    const login = await startLogin();
    const callback = await callbackUrlOf(login);
    const first = await login.browser.request(callback);
    assert.equal(first.status, 302);
    // The demo asks for the second factor at login; until then the session holds no user.
    assert.equal(first.headers.location, '/mfa/verify?rd=%2F');
    const loggedIn = login.browser.jar.get('localhost', PORTAL_COOKIE);
    assert.ok(loggedIn);
    assert.equal(login.browser.jar.get('localhost', login.txCookie[0]), undefined, 'cleared');

    // The same browser again, a copy of the transaction cookie (as a thief of it would have),
    // and no cookie at all: the first finds no transaction, the copy a spent IdP code.
    assertRefused(await login.browser.request(callback), 400, 'login_expired');
    const thief = new TestBrowser();
    const stolen = await thief.request(callback, {
      headers: { cookie: `${login.txCookie[0]}=${login.txCookie[1]}` },
    });
    assertRefused(stolen, 401, 'login_failed');
    assertRefused(await me(thief), 401, 'unauthenticated');
    const stranger = new TestBrowser();
    assertRefused(await stranger.request(callback), 400, 'login_expired');
    assertRefused(await me(stranger), 401, 'unauthenticated');

    // The legitimate session is untouched by the replays.
    const atMfa = await login.browser.navigate(`${demo.url}${first.headers.location}`);
    await completeMfa(login.browser, atMfa, demo.authenticator('alice'));
    assert.equal((await me(login.browser)).status, 200);
  });

  void it('refuses a login transaction cookie that was altered or moved to another state', async () => {
    const login = await startLogin();
    const callback = await callbackUrlOf(login);
    const [name, value] = login.txCookie;
    const other = await startLogin();
    // Another login's (valid) transaction under this login's name, and a flipped byte.
    const flipped = value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21);
    for (const forged of [other.txCookie[1], flipped]) {
      const reply = await new TestBrowser().request(callback, {
        headers: { cookie: `${name}=${forged}` },
      });
      assertRefused(reply, 400, 'login_expired');
    }
  });

  void it('refuses an ID token whose nonce is not the one the login sent', async () => {
    const login = await startLogin();
    const secret = await demo.jitgate.store.settings.get('session_secret_v1');
    assert.ok(secret);
    const transactions = new LoginTransactions({
      secret,
      cookiePrefix: `${PORTAL_COOKIE}_login_`,
      secure: false,
      now: Date.now,
    });
    const [name, value] = login.txCookie;
    const tx = transactions.open(name, value);
    assert.ok(tx, 'the cookie holds the login transaction');
    tx.checks.nonce = 'a-nonce-the-idp-never-saw';
    login.browser.jar.set('localhost', name, transactions.seal(name, tx));

    const callback = await callbackUrlOf(login);
    const reply = await login.browser.request(callback);
    assertRefused(reply, 401, 'login_failed');
    assertRefused(await me(login.browser), 401, 'unauthenticated');
  });

  void it('refuses a callback whose iss is not the IdP (RFC 9207 mix-up defence)', async () => {
    const login = await startLogin();
    const callback = new URL(await callbackUrlOf(login));
    assert.equal(callback.searchParams.get('iss'), `${demo.url}/idp`, 'the IdP sends iss');
    callback.searchParams.set('iss', 'http://evil.example/idp');
    const reply = await login.browser.request(callback.href);
    assertRefused(reply, 401, 'login_failed');
    assertRefused(await me(login.browser), 401, 'unauthenticated');
  });

  void it('refuses a callback that carries an IdP error', async () => {
    const login = await startLogin();
    const reply = await login.browser.request(
      `${callbackUrl()}?error=access_denied&state=${encodeURIComponent(login.state)}`,
    );
    assertRefused(reply, 401, 'login_failed');
    assertRefused(await me(login.browser), 401, 'unauthenticated');
  });
});
