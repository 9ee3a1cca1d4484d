/**
 * The steps of an OIDC login against a demo, one at a time, for tests of the login itself: to
 * the IdP's form (with the login's transaction cookie), the IdP's answer back to the callback,
 * and who the portal then says the browser is.
 */
import assert from 'node:assert/strict';
import { oidcCallbackUrl } from '../../proxy/identity/oidc-callback.js';
import type { TestDemo } from './demo.js';
import { formAction, TestBrowser, type Reply } from './http-client.js';

export const PORTAL_COOKIE = 'jitgate_session';

export interface StartedLogin {
  browser: TestBrowser;
  /** The login transaction's cookie set by /auth/login (name and value). */
  txCookie: [string, string];
  state: string;
  loginForm: Reply;
}

export function assertRefused(reply: Reply, status: number, code: string) {
  assert.equal(reply.status, status, `${reply.url}: ${reply.body.slice(0, 200)}`);
  assert.equal(reply.headers['x-jitgate-error'], code);
}

/** The steps against the demo `demoOf()` returns (a test's `before` starts it). */
export function oidcLoginSteps(demoOf: () => TestDemo) {
  /** GET /auth/login (one hop), then on to the IdP's login form. */
  async function startLogin(
    query = '?idp=demo',
    browser = new TestBrowser(),
  ): Promise<StartedLogin> {
    const demo = demoOf();
    const toIdp = await browser.request(`${demo.url}/auth/login${query}`);
    assert.equal(toIdp.status, 302);
    const location = toIdp.headers.location ?? '';
    assert.ok(location.startsWith(`${demo.url}/idp/`), location);
    const state = new URL(location).searchParams.get('state');
    assert.ok(state);
    const name = `${PORTAL_COOKIE}_login_${state}`;
    const value = browser.jar.get('localhost', name);
    assert.ok(value, 'the login transaction is a cookie of the browser');
    const loginForm = await browser.navigate(location);
    assert.equal(loginForm.status, 200);
    return { browser, txCookie: [name, value], state, loginForm };
  }

  /** Where the demo's staff IdP answers (each IdP on its own path). */
  const callbackUrl = () => oidcCallbackUrl(demoOf().url, 'demo');

  /** Submits the IdP form and follows redirects by hand until the one back to /auth/callback. */
  async function callbackUrlOf(login: StartedLogin, username = 'alice'): Promise<string> {
    let reply = await login.browser.request(formAction(login.loginForm), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password: 'demo' }).toString(),
    });
    for (let hops = 0; hops < 10; hops++) {
      const location = reply.headers.location;
      assert.ok(location, `redirect expected at ${reply.url}, got ${reply.status}`);
      const next = new URL(location, reply.url).href;
      if (next.startsWith(`${demoOf().url}/auth/callback`)) return next;
      reply = await login.browser.request(next);
    }
    throw new Error('the IdP never redirected back to /auth/callback');
  }

  /** /api/v1/me as this browser, or with an explicit portal cookie value. */
  function me(browser: TestBrowser, cookie?: string): Promise<Reply> {
    return browser.request(`${demoOf().url}/api/v1/me`, {
      headers: {
        accept: 'application/json',
        'sec-fetch-mode': 'cors',
        ...(cookie !== undefined ? { cookie: `${PORTAL_COOKIE}=${cookie}` } : {}),
      },
    });
  }

  return { startLogin, callbackUrl, callbackUrlOf, me };
}
