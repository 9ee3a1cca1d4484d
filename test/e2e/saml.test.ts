/**
 * End to end in Chromium, SAML: alice picks "Demo SAML IdP" on the sign-in page, signs in on the
 * IdP's form, and the IdP's page posts the signed answer to jitgate's ACS by itself (the HTTP-POST
 * binding's auto-submit, under the IdP's CSP, with jitgate's browser-binding cookie). jitgate's
 * second factor follows. Payroll answers 403 until a grant, then sees her SAML identity in the
 * signed assertion jitgate sends it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { Page } from 'playwright-core';
import { DEMO_SAML_IDP } from '../../proxy/demo/demo-config.js';
import { completeMfaInBrowser } from '../support/browser-mfa.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { authenticatorOf } from '../support/mfa.js';

void describe('SAML sign-in in Chromium', () => {
  let demo: TestDemo;
  let browser: TestChromium;
  let page: Page;

  before(async () => {
    demo = await startTestDemo();
    browser = await launchChromium();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  void it('alice signs in through the Demo SAML IdP, then jitgate asks for its second factor', async () => {
    await page.goto(demo.url);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: `Sign in with ${DEMO_SAML_IDP.name}` }).click();
    await page.getByRole('heading', { name: DEMO_SAML_IDP.name }).waitFor();
    assert.ok(page.url().startsWith(`${demo.url}${DEMO_SAML_IDP.path}/sso?SAMLRequest=`));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // No click on "Continue": the IdP's page posts the answer to jitgate by itself.
    await completeMfaInBrowser(page, authenticatorOf(demo.url, 'demo-saml:alice'));
    await page.getByRole('heading', { name: 'My access' }).waitFor();
    assert.equal(await page.locator('#whoami').textContent(), 'alice');
  });

  void it('payroll answers 403 until she has a grant', async () => {
    const response = await page.goto(`${demo.payrollOrigin}/`);
    assert.equal(response?.status(), 403);
    await page.getByRole('heading', { name: 'No access to Payroll' }).waitFor();
  });

  void it('with a grant, payroll sees the SAML identity', async () => {
    const args = ['--url', `http://127.0.0.1:${demo.port}`, '--state-dir', demo.stateDir];
    const granted = await runCli(['grant', 'demo-saml:alice', 'payroll', '--for', '30m', ...args]);
    assert.equal(granted.code, 0, granted.stderr);
    const response = await page.goto(`${demo.payrollOrigin}/`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('#sub').textContent(), 'demo-saml:alice');
    assert.equal(await page.locator('#email').textContent(), 'alice@demo.jitgate.test');
  });
});
