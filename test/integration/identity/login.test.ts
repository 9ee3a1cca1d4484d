// OIDC login against the embedded IdP, through its real login form (then the demo's second
// factor, answered by support/mfa.ts): the landing page and the session's identity, session
// fixation (a new session id at login, the old one dead), logout ending portal and app access at
// once, and the post-login redirect allow-list. The callback's own checks: login-callback.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { rawRequest, TestBrowser, type Reply } from '../../support/http-client.js';
import { csrfOf } from '../../support/portal.js';
import { assertRefused, oidcLoginSteps, PORTAL_COOKIE } from '../../support/oidc-login.js';
import { completeMfa } from '../../support/mfa.js';
import { sessionIdOf } from '../../support/wire.js';

const APP_COOKIE = 'jitgate_session_app';

let demo: TestDemo;
before(async () => {
  demo = await startTestDemo();
});
after(() => demo.stop());

const { startLogin, callbackUrlOf, me } = oidcLoginSteps(() => demo);

void describe('login through the IdP', () => {
  void it('lands on "My access" with the identity from the IdP', async () => {
    const browser = await demo.login('alice');
    const home = await browser.navigate(`${demo.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.body, /<h1>My access<\/h1>/);
    assert.match(home.body, /id="whoami">alice</);

    const reply = await me(browser);
    assert.equal(reply.status, 200);
    const { user } = JSON.parse(reply.body) as {
      user: { id: string; username: string; email: string; groups: string[]; kind: string };
    };
    assert.equal(user.id, 'demo:alice');
    assert.equal(user.username, 'alice');
    assert.equal(user.email, 'alice@demo.jitgate.test');
    assert.deepEqual(user.groups, ['staff']);
    assert.equal(user.kind, 'person');
  });

  void it('sets its cookies HttpOnly and SameSite, without Secure on plain http', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(`${demo.url}/auth/login?idp=demo`);
    const cookies = start.headers['set-cookie'] ?? [];
    assert.ok(!cookies.some((c) => c.startsWith(`${PORTAL_COOKIE}=`)), 'no session yet');
    const tx = cookies.find((c) => c.startsWith(`${PORTAL_COOKIE}_login_`));
    assert.ok(tx, 'the login transaction cookie');
    assert.match(tx, /; Path=\/;/i); // as a __Host- cookie must on https (cookie-names.ts)
    assert.match(tx, /; Max-Age=600/i);

    const login = await startLogin();
    const back = await login.browser.request(await callbackUrlOf(login));
    const session = (back.headers['set-cookie'] ?? []).find((c) =>
      c.startsWith(`${PORTAL_COOKIE}=`),
    );
    assert.ok(session, 'the session cookie comes with the callback');
    for (const line of [tx, session]) {
      assert.match(line, /; HttpOnly/i);
      assert.match(line, /; SameSite=Lax/i);
      assert.doesNotMatch(line, /; Secure/i);
    }
  });

  void it('issues a new session id at login and kills one planted before it (no fixation)', async () => {
    // The planted id: a real session of someone else's, half-way through their own login.
    const attacker = await startLogin();
    await attacker.browser.navigate(await callbackUrlOf(attacker, 'bob'));
    const planted = attacker.browser.jar.get('localhost', PORTAL_COOKIE);
    assert.ok(planted);
    assert.ok(await demo.jitgate.store.sessions.get(sessionIdOf(planted)));

    const victim = new TestBrowser();
    victim.jar.set('localhost', PORTAL_COOKIE, planted);
    const login = await startLogin('?idp=demo', victim);
    const atMfa = await victim.navigate(await callbackUrlOf(login));
    const done = await completeMfa(victim, atMfa, demo.authenticator('alice'));
    assert.equal(done.status, 200);
    assert.match(done.body, /My access/);

    const loggedIn = victim.jar.get('localhost', PORTAL_COOKIE);
    assert.ok(loggedIn);
    assert.notEqual(sessionIdOf(loggedIn), sessionIdOf(planted));
    assert.equal((await me(victim)).status, 200);

    // Whoever planted or copied the old id has nothing: it is gone from the store too.
    assert.equal(await demo.jitgate.store.sessions.get(sessionIdOf(planted)), undefined);
    assertRefused(await me(new TestBrowser(), planted), 401, 'unauthenticated');
  });
});

void describe('logout', () => {
  void it('ends the portal session and app access at once', async () => {
    const browser = await demo.login('bob');
    const grant = await demo.jitgate.grants.grant({
      user: 'bob',
      resource: 'payroll',
      durationMs: 60_000,
      actor: 'test',
    });
    try {
      const app = await browser.navigate(`${demo.payrollOrigin}/headers`);
      assert.equal(app.status, 200, app.body.slice(0, 200));
      const appCookie = browser.jar.get('payroll.localhost', APP_COOKIE);
      assert.ok(appCookie, 'the app host got its own cookie');
      const portalCookie = browser.jar.get('localhost', PORTAL_COOKIE);
      assert.ok(portalCookie);

      // Signing out is a POST (a GET only shows the button, so a link cannot log anyone out).
      const page = await browser.request(`${demo.url}/auth/logout`);
      assert.equal(page.status, 200);
      assert.equal((await me(browser)).status, 200);
      const out = await browser.request(`${demo.url}/auth/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfOf(page) }).toString(),
      });
      assert.equal(out.status, 303);
      assert.equal(out.headers.location, '/');

      assertRefused(await me(new TestBrowser(), portalCookie), 401, 'unauthenticated');
      const xhr = await new TestBrowser().request(`${demo.payrollOrigin}/headers`, {
        headers: {
          cookie: `${APP_COOKIE}=${appCookie}`,
          'sec-fetch-mode': 'cors',
          accept: 'application/json',
        },
      });
      assertRefused(xhr, 401, 'unauthenticated');
      const nav = await new TestBrowser().request(`${demo.payrollOrigin}/`, {
        headers: { cookie: `${APP_COOKIE}=${appCookie}` },
      });
      assert.equal(nav.status, 302);
      assert.ok(nav.headers.location?.startsWith(`${demo.url}/auth/app?rd=`));
    } finally {
      await demo.jitgate.grants.revoke(grant.id, 'test');
    }
  });
});

void describe('logout is protected against cross-site forms', () => {
  void it('a form posted from an app host (same site) signs nobody out', async () => {
    const browser = await demo.login('alice');
    const cookie = browser.jar.get('localhost', PORTAL_COOKIE) ?? '';
    // What a page on payroll.localhost can make the browser send: the cookie rides along
    // (SameSite=Lax: same site), but the page cannot read the portal's CSRF token.
    for (const body of ['', '_csrf=guessed-token-value-that-is-not-the-sessions-own-abcdef']) {
      const forged = await rawRequest(`${demo.url}/auth/logout`, {
        method: 'POST',
        headers: {
          cookie: `${PORTAL_COOKIE}=${cookie}`,
          origin: demo.payrollOrigin,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
      });
      assertRefused(forged, 403, 'csrf_refused');
    }
    assert.equal((await me(browser)).status, 200, 'still signed in');
    const [logout] = await demo.jitgate.audit.list({
      code: 'auth.logout',
      actor: 'demo:alice',
      limit: 1,
    });
    assert.equal(logout, undefined);
  });

  void it('the sign-out page of someone not signed in offers no form and creates no session', async () => {
    const stranger = new TestBrowser();
    const page = await stranger.request(`${demo.url}/auth/logout`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /<form/);
    assert.equal(stranger.jar.get('localhost', PORTAL_COOKIE), undefined);
  });
});

void describe('post-login redirects', () => {
  async function loginWith(rd: string): Promise<Reply> {
    const login = await startLogin(`?idp=demo&rd=${encodeURIComponent(rd)}`);
    const atMfa = await login.browser.navigate(await callbackUrlOf(login));
    return completeMfa(login.browser, atMfa, demo.authenticator('alice'));
  }

  for (const rd of [
    '//evil.com',
    '/\\evil.com',
    '/%5cevil.com',
    'https://evil.com/',
    'javascript:alert(1)',
  ]) {
    void it(`sends rd=${rd} home instead`, async () => {
      const done = await loginWith(rd);
      assert.equal(done.url, `${demo.url}/`);
      assert.match(done.body, /My access/);
    });
  }

  void it('honours a portal path', async () => {
    const done = await loginWith('/resources/payroll');
    assert.equal(done.url, `${demo.url}/resources/payroll`);
    assert.equal(done.status, 200);
    assert.match(done.body, /<h1>Payroll<\/h1>/);
  });

  void it('/auth/app hands off only to app origins', async () => {
    const browser = await demo.login('alice');
    for (const rd of [
      'http://evil.com/',
      `${demo.url}/`,
      '/resources/payroll',
      '//payroll.localhost/',
      `http://payroll.localhost:${demo.port + 1}/`,
    ]) {
      const reply = await browser.request(`${demo.url}/auth/app?rd=${encodeURIComponent(rd)}`);
      assertRefused(reply, 400, 'invalid_redirect');
    }
    // Without a binding the app host gives the browser one first, then the code follows.
    const ok = await browser.request(
      `${demo.url}/auth/app?rd=${encodeURIComponent(`${demo.payrollOrigin}/headers?x=1`)}`,
    );
    assert.equal(ok.status, 302);
    assert.equal(
      ok.headers.location,
      `${demo.payrollOrigin}/.jitgate/start?rd=${encodeURIComponent('/headers?x=1')}`,
    );
    const bound = await browser.request(ok.headers.location ?? '');
    assert.equal(bound.status, 302);
    assert.ok(browser.jar.get('payroll.localhost', 'jitgate_session_bind'), 'binding cookie');
    const coded = await browser.request(bound.headers.location ?? '');
    assert.equal(coded.status, 302);
    assert.ok(coded.headers.location?.startsWith(`${demo.payrollOrigin}/.jitgate/auth?code=`));
  });
});
