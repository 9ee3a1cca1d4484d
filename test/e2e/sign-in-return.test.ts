/**
 * End to end in Chromium, from a fresh browser each time: a sign-in returns to where the person
 * was going. README step 1 (open payroll as nobody, sign in as someone without a grant: payroll's
 * own 403 page) and a deep link into payroll with a grant (the very page, query included). Both
 * go app → portal `/auth/app` → sign-in chooser → IdP → second factor → app: the return address
 * is nested and encoded at every hop and must survive all of them. The same holds through the
 * SAML IdP: its login starts at the same `/auth/login` with the same return check.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_IDPS, DEMO_SAML_IDP } from '../../proxy/demo/demo-config.js';
import { completeMfaInBrowser } from '../support/browser-mfa.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { authenticatorOf } from '../support/mfa.js';

void describe('sign-in returns to where you were going', () => {
  let demo: TestDemo;
  let chromium: TestChromium;
  const contexts: BrowserContext[] = [];

  before(async () => {
    demo = await startTestDemo();
    chromium = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await chromium?.close();
    await demo?.stop();
  });

  /** A browser with no cookies at all (an isolated context of the one Chromium). */
  async function freshPage(): Promise<Page> {
    const context = await chromium.context.browser()?.newContext();
    if (!context) throw new Error('this Playwright gives no browser for a persistent context');
    contexts.push(context);
    return context.newPage();
  }

  /** Signs in on the chooser the page was sent to, the way a person does. */
  async function signInFromChooser(page: Page, username: string) {
    await page.getByRole('link', { name: `Sign in with ${DEMO_IDPS.demo.name}` }).click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await completeMfaInBrowser(page, demo.authenticator(username));
  }

  void it('README step 1: payroll as nobody, sign in as carol, back on payroll (403)', async () => {
    const page = await freshPage();
    await page.goto(`${demo.payrollOrigin}/`);
    await page.getByRole('heading', { name: 'Sign in to jitgate' }).waitFor();
    await signInFromChooser(page, 'carol');
    await page.getByRole('heading', { name: 'No access to Payroll' }).waitFor();
    assert.equal(new URL(page.url()).origin, demo.payrollOrigin);
  });

  void it('a deep link into payroll with a grant lands on that very page', async () => {
    // alice exists (and has her authenticator) after one sign-in; then she is granted payroll.
    await demo.login('alice');
    const grant = await demo.jitgate.grants.grant({
      user: 'alice',
      resource: 'payroll',
      durationMs: 10 * 60_000,
      actor: 'test',
    });
    try {
      const page = await freshPage();
      const deepLink = `${demo.payrollOrigin}/headers?from=e2e&x=%2F%2Fnot-a-host`;
      await page.goto(deepLink);
      await page.getByRole('heading', { name: 'Sign in to jitgate' }).waitFor();
      await signInFromChooser(page, 'alice');
      await page.waitForURL(deepLink);
      const { headers } = JSON.parse((await page.locator('body').textContent()) ?? '{}') as {
        headers: Record<string, string>;
      };
      assert.equal(headers['x-payroll-user'], 'alice', 'payroll answered, for alice');
    } finally {
      await demo.jitgate.grants.revoke(grant.id, 'test');
    }
  });

  void it('a deep link into payroll through the SAML IdP lands on that very page', async () => {
    const page = await freshPage();
    const deepLink = `${demo.payrollOrigin}/reports?from=saml&x=%2F%2Fnot-a-host`;
    await page.goto(deepLink);
    await page.getByRole('heading', { name: 'Sign in to jitgate' }).waitFor();
    await page.getByRole('link', { name: `Sign in with ${DEMO_SAML_IDP.name}` }).click();
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The IdP's page posts the answer to the ACS by itself; jitgate's second factor follows.
    await completeMfaInBrowser(page, authenticatorOf(demo.url, 'demo-saml:bob'));
    // Back on the very page (bob has no grant: payroll's own 403 page, at that address).
    await page.getByRole('heading', { name: 'No access to Payroll' }).waitFor();
    assert.equal(page.url(), deepLink);
  });
});
