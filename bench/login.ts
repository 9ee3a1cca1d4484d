/**
 * Gets alice a real app session on payroll: IdP login form, the demo's second factor (enrolled
 * and answered by test/support/mfa.ts), an admin grant through the API, then the portal → app
 * handoff that sets `jitgate_session_app` on payroll.localhost.
 */
import { readAdminToken } from '../proxy/api/admin-token.js';
import { formAction, rawRequest, TestBrowser } from '../test/support/http-client.js';
import { authenticatorOf, completeMfa } from '../test/support/mfa.js';

export const APP_COOKIE = 'jitgate_session_app';
export const BENCH_PATH = '/bench';

export async function appSessionCookie(port: number, stateDir: string): Promise<string> {
  const portal = `http://localhost:${port}`;
  const browser = new TestBrowser();
  const form = await browser.navigate(`${portal}/auth/login?idp=demo`);
  const atMfa = await browser.postForm(formAction(form), { username: 'alice', password: 'demo' });
  const home = await completeMfa(browser, atMfa, authenticatorOf(portal, 'alice'));
  if (home.status !== 200 || !home.body.includes('My access'))
    throw new Error(`alice's login ended at ${home.url} with ${home.status}`);

  const granted = await rawRequest(`${portal}/api/v1/admin/grants`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${readAdminToken(stateDir)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ user: 'alice', resource: 'payroll', duration: '1h' }),
  });
  if (granted.status !== 201) throw new Error(`grant failed: ${granted.status} ${granted.body}`);

  const app = await browser.navigate(`http://payroll.localhost:${port}${BENCH_PATH}`);
  const cookie = browser.jar.get('payroll.localhost', APP_COOKIE);
  if (app.status !== 200 || !cookie) {
    throw new Error(
      `no app session: ${app.url} answered ${app.status} (cookie: ${Boolean(cookie)})`,
    );
  }
  return `${APP_COOKIE}=${cookie}`;
}

/** One request as the load generator will send it; throws unless it is a 200 with a body. */
export async function checkTarget(url: string, headers: Record<string, string>): Promise<void> {
  const reply = await rawRequest(url, { headers });
  if (reply.status !== 200 || reply.body.length !== 1024) {
    throw new Error(`${url} answered ${reply.status} with ${reply.body.length} bytes`);
  }
}
