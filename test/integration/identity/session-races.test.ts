/**
 * A session that ends stays ended, whatever was in flight: many requests that loaded the session
 * (sign-in starts, portal forms that write a flash message) race a logout on the same cookie, or
 * a step-up that gives the session a new id; afterwards the old id opens neither the portal nor
 * the app, and the store holds no row for it. The store's write only updates a live row; only
 * the code that creates a session inserts one (identity/session-store.ts).
 *
 * Each test has its own demo, so the racing sign-in starts are the first ones at the vendor IdP:
 * they all wait for its discovery (a real HTTP round trip) between loading the session and
 * saving it, which is the window the ending request falls into.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { TestBrowser, rawRequest, type Reply } from '../../support/http-client.js';
import { csrfOf } from '../../support/portal.js';
import { burst, headersOf, sessionIdOf, statusOf, type BurstRequest } from '../../support/wire.js';

const PORTAL_COOKIE = 'jitgate_session';
const APP_COOKIE = 'jitgate_session_app';
const RACERS = 20;

let demo: TestDemo;
beforeEach(async () => {
  demo = await startTestDemo();
});
afterEach(() => demo.stop());

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Requests that load the session and write it back a moment later. */
function writers(cookie: string, csrf: string): BurstRequest[] {
  const headers = { cookie: `${PORTAL_COOKIE}=${cookie}` };
  return Array.from({ length: RACERS }, (_, i) =>
    i % 2 === 0
      ? { url: `${demo.url}/auth/login?idp=vendors&rd=%2Fhistory`, headers }
      : // A form on a grant that does not exist: refused, and the refusal goes in the flash.
        {
          method: 'POST',
          url: `${demo.url}/grants/grt_AAAAAAAAAAAAAAAAAAAAAAAA/release`,
          headers: { ...headers, 'content-type': FORM },
          body: form({ _csrf: csrf }),
        },
  );
}

/** The writers with the ending request in their midst, all at once; the ending one's answer. */
async function race(racers: BurstRequest[], ending: BurstRequest): Promise<string> {
  const half = racers.length / 2;
  const answers = await burst(demo.port, [...racers.slice(0, half), ending, ...racers.slice(half)]);
  return answers[half] ?? '';
}

function me(cookie: string): Promise<Reply> {
  return rawRequest(`${demo.url}/api/v1/me`, {
    headers: { cookie: `${PORTAL_COOKIE}=${cookie}`, accept: 'application/json' },
  });
}

void describe('a session that ends stays ended', () => {
  void it('a logout racing many in-flight requests on the same cookie is final', async () => {
    const browser = await demo.login('bob');
    const grant = await demo.jitgate.grants.grant({
      user: 'bob',
      resource: 'payroll',
      durationMs: 600_000,
      actor: 'test',
    });
    try {
      assert.equal((await browser.navigate(`${demo.payrollOrigin}/headers`)).status, 200);
      const appCookie = browser.jar.get('payroll.localhost', APP_COOKIE) ?? '';
      const cookie = browser.jar.get('localhost', PORTAL_COOKIE) ?? '';
      assert.ok(appCookie && cookie);
      const csrf = csrfOf(await browser.navigate(`${demo.url}/`));

      const out = await race(writers(cookie, csrf), {
        method: 'POST',
        url: `${demo.url}/auth/logout`,
        headers: { cookie: `${PORTAL_COOKIE}=${cookie}`, 'content-type': FORM },
        body: form({ _csrf: csrf }),
      });
      assert.equal(statusOf(out), 303, out.slice(0, 300));

      assert.equal(await demo.jitgate.store.sessions.get(sessionIdOf(cookie)), undefined);
      assert.equal((await me(cookie)).status, 401);
      const app = await rawRequest(`${demo.payrollOrigin}/headers`, {
        headers: { cookie: `${APP_COOKIE}=${appCookie}`, accept: 'application/json' },
      });
      assert.equal(app.status, 401, app.body.slice(0, 200));
    } finally {
      await demo.jitgate.grants.revoke(grant.id, 'test');
    }
  });

  void it('a step-up racing in-flight requests leaves the old session id dead', async () => {
    const signedIn = await demo.login('alice');
    const cookie = signedIn.jar.get('localhost', PORTAL_COOKIE) ?? '';
    const browser = new TestBrowser();
    browser.jar.set('localhost', PORTAL_COOKIE, cookie);
    const csrf = csrfOf(await browser.navigate(`${demo.url}/mfa/verify?rd=%2F`));
    const { field, value } = await demo.authenticator('alice').answer();

    const stepped = await race(writers(cookie, csrf), {
      method: 'POST',
      url: `${demo.url}/mfa/verify`,
      headers: { cookie: `${PORTAL_COOKIE}=${cookie}`, 'content-type': FORM },
      body: form({ _csrf: csrf, rd: '/', [field]: value }),
    });
    assert.equal(statusOf(stepped), 303, stepped.slice(0, 300));
    const renewed = headersOf(stepped, 'set-cookie')
      .find((line) => line.startsWith(`${PORTAL_COOKIE}=`))
      ?.split(';')[0]
      ?.slice(PORTAL_COOKIE.length + 1);
    assert.ok(renewed && renewed !== cookie, 'the step-up gave the session a new id');

    assert.equal(await demo.jitgate.store.sessions.get(sessionIdOf(cookie)), undefined);
    assert.equal((await me(cookie)).status, 401);
    assert.equal((await me(renewed)).status, 200);
  });
});
