/**
 * The authenticator app of test users: per portal and username, the TOTP secret read from the
 * enrollment page (`#totp-secret`) and the recovery codes shown after it, and codes computed
 * with proxy/identity/mfa/totp.ts. A code's time step is accepted once per factor, so each
 * authenticator hands out this step, then the next (the server accepts ±1), then a recovery
 * code, and only then waits for the next step. `completeMfa` finishes a login or step-up that
 * landed on an MFA page of the TestBrowser.
 */
import { timeStep, totpCode, TOTP_PERIOD_S } from '../../proxy/identity/mfa/totp.js';
import { formAction, type Reply, type TestBrowser } from './http-client.js';
import { csrfOf } from './portal.js';

export interface MfaAnswer {
  /** The form field it goes in on /mfa/verify. */
  field: 'code' | 'recoveryCode';
  value: string;
}

export class TestAuthenticator {
  secret: string | undefined;
  recoveryCodes: string[] = [];
  private lastStep = -1;

  /** `clock`: the proxy's clock, for tests that move it (the app's clock is the phone's). */
  constructor(private readonly clock: () => number = Date.now) {}

  /** A new factor: its secret; earlier steps meant another factor. */
  enrolled(secret: string): void {
    this.secret = secret;
    this.lastStep = -1;
  }

  /** A TOTP code whose step no earlier answer used, waiting for the next step when needed. */
  async totp(): Promise<string> {
    const secret = this.secret;
    if (!secret) throw new Error('this test user has no authenticator yet');
    for (;;) {
      const now = timeStep(this.clock());
      const step = Math.max(now, this.lastStep + 1);
      if (step <= now + 1) {
        this.lastStep = step;
        return totpCode(secret, step);
      }
      await sleepUntilNextStep();
    }
  }

  /** The code a person would type now: TOTP while steps are left, else a recovery code. */
  async answer(): Promise<MfaAnswer> {
    const now = timeStep(this.clock());
    const spent = this.lastStep > now;
    const recovery = spent ? this.recoveryCodes.shift() : undefined;
    if (recovery !== undefined) return { field: 'recoveryCode', value: recovery };
    return { field: 'code', value: await this.totp() };
  }
}

const sleepUntilNextStep = () => {
  const periodMs = TOTP_PERIOD_S * 1000;
  return new Promise((resolve) => setTimeout(resolve, periodMs - (Date.now() % periodMs) + 20));
};

/** Every test user's authenticator, per portal (each test demo has its own users' factors). */
const wallets = new Map<string, Map<string, TestAuthenticator>>();

export function authenticatorOf(portalUrl: string, username: string): TestAuthenticator {
  const origin = new URL(portalUrl).origin;
  const wallet = wallets.get(origin) ?? new Map<string, TestAuthenticator>();
  wallets.set(origin, wallet);
  const found = wallet.get(username) ?? new TestAuthenticator();
  wallet.set(username, found);
  return found;
}

const unescape = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

const valueOf = (page: Reply, pattern: RegExp, what: string): string => {
  const found = pattern.exec(page.body)?.[1];
  if (found === undefined) throw new Error(`no ${what} on ${page.url} (status ${page.status})`);
  return unescape(found);
};

export const secretOf = (page: Reply) => valueOf(page, /id="totp-secret">([A-Z2-7]+)</, 'secret');
export const recoveryCodesOf = (page: Reply) =>
  [...page.body.matchAll(/class="recovery-code">([^<]+)</g)].map((m) => m[1] ?? '');

/** Adds the authenticator on an enrollment page; returns the page with the recovery codes. */
export async function enrollOn(
  browser: TestBrowser,
  page: Reply,
  auth: TestAuthenticator,
): Promise<Reply> {
  auth.enrolled(secretOf(page));
  const done = await browser.postForm(formAction(page), {
    _csrf: csrfOf(page),
    factor: valueOf(page, /name="factor" value="([^"]+)"/, 'factor id'),
    rd: valueOf(page, /name="rd" value="([^"]*)"/, 'rd'),
    name: '',
    code: await auth.totp(),
  });
  const codes = recoveryCodesOf(done);
  if (codes.length > 0) auth.recoveryCodes = codes;
  return done;
}

/** Answers a step-up page with the next code of `auth`. */
export async function verifyOn(
  browser: TestBrowser,
  page: Reply,
  auth: TestAuthenticator,
): Promise<Reply> {
  const { field, value } = await auth.answer();
  return browser.postForm(new URL('/mfa/verify', page.url).href, {
    _csrf: csrfOf(page),
    rd: valueOf(page, /name="rd" value="([^"]*)"/, 'rd'),
    [field]: value,
  });
}

/** Finishes the MFA page a login or step-up landed on (enroll or verify); other pages pass. */
export async function completeMfa(
  browser: TestBrowser,
  page: Reply,
  auth: TestAuthenticator,
): Promise<Reply> {
  const path = new URL(page.url).pathname;
  if (path === '/mfa/verify') return verifyOn(browser, page, auth);
  if (path !== '/mfa/totp/enroll') return page;
  const done = await enrollOn(browser, page, auth);
  const next = valueOf(done, /id="mfa-continue" href="([^"]+)"/, 'continue link');
  return browser.navigate(new URL(next, done.url).href);
}
