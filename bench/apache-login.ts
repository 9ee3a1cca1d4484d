/**
 * A real login through Apache: the first request is sent to the IdP by mod_auth_openidc, alice
 * signs in on the IdP's form, the code comes back to /redirect_uri and Apache sets its session
 * cookie. Returns the Cookie header that the load generators send.
 */
import { formAction, TestBrowser } from '../test/support/http-client.js';
import { BENCH_PATH } from './login.js';

const SESSION_COOKIE = 'mod_auth_openidc_session';

export async function apacheSessionCookie(port: number, username = 'alice'): Promise<string> {
  const browser = new TestBrowser();
  const form = await browser.navigate(`http://localhost:${port}${BENCH_PATH}`);
  const app = await browser.postForm(formAction(form), { username, password: 'demo' });
  const session = browser.jar.get('localhost', SESSION_COOKIE);
  if (app.status !== 200 || !session || app.body.length !== 1024)
    throw new Error(
      `Apache login ended at ${app.url} with ${app.status} (session cookie: ${Boolean(session)})`,
    );
  return `${SESSION_COOKIE}=${session}`;
}
