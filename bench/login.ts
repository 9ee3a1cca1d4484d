/**
 * A real login at the jitgate under test: alice through the demo IdP's login form, an admin grant
 * through the API, then the portal → app handoff that sets `jitgate_session_app` on payroll, or a
 * bearer token for the terminal WebSocket (as the CLI has).
 */
import { readAdminToken } from '../proxy/api/admin-token.js';
import { formAction, rawRequest, TestBrowser } from '../test/support/http-client.js';
import { APP_HOST } from './jitgate-config.js';

export const APP_COOKIE = 'jitgate_session_app';
export const BENCH_PATH = '/bench';

export async function portalLogin(portal: string, username = 'alice'): Promise<TestBrowser> {
  const browser = new TestBrowser();
  const form = await browser.navigate(`${portal}/auth/login?idp=demo`);
  const home = await browser.postForm(formAction(form), { username, password: 'demo' });
  if (home.status !== 200 || !home.body.includes('My access'))
    throw new Error(`${username}'s login ended at ${home.url} with ${home.status}`);
  return browser;
}

export async function adminGrant(
  portal: string,
  stateDir: string,
  user: string,
  resource: string,
  duration = '12h',
): Promise<void> {
  const granted = await rawRequest(`${portal}/api/v1/admin/grants`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${readAdminToken(stateDir)}`,
      'content-type': 'application/json',
    },
    // The bench config has no policies: its grant is an admin grant outside them.
    body: JSON.stringify({ user, resource, duration, force: true }),
  });
  if (granted.status !== 201) throw new Error(`grant failed: ${granted.status} ${granted.body}`);
}

/** The app cookie of a logged-in browser that holds a grant for payroll ("name=value"). */
export async function appSessionCookie(browser: TestBrowser, port: number): Promise<string> {
  const app = await browser.navigate(`http://${APP_HOST}:${port}${BENCH_PATH}`);
  const cookie = browser.jar.get(APP_HOST, APP_COOKIE);
  if (app.status !== 200 || !cookie) {
    throw new Error(
      `no app session: ${app.url} answered ${app.status} (cookie: ${Boolean(cookie)})`,
    );
  }
  return `${APP_COOKIE}=${cookie}`;
}

/** A personal API token, as `jitgate login` gets one (the terminal WebSocket takes it). */
export async function bearerToken(browser: TestBrowser, portal: string): Promise<string> {
  const reply = await browser.request(`${portal}/api/v1/tokens`, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'sec-fetch-mode': 'cors',
      origin: portal,
      'content-type': 'application/json',
      'content-length': '2',
    },
    body: '{}',
  });
  const token = (JSON.parse(reply.body) as { token?: unknown }).token;
  if (reply.status !== 201 || typeof token !== 'string')
    throw new Error(`no API token: ${reply.status} ${reply.body}`);
  return token;
}

/** One request as the load generator will send it; throws unless it is a 200 with 1 KiB. */
export async function checkTarget(url: string, headers: Record<string, string>): Promise<void> {
  const reply = await rawRequest(url, { headers });
  if (reply.status !== 200 || reply.body.length !== 1024) {
    throw new Error(`${url} answered ${reply.status} with ${reply.body.length} bytes`);
  }
}
