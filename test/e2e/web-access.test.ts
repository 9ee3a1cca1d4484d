/**
 * End to end in Chromium: a person logs in through the IdP's own page, meets the 403 page of an
 * app she has no grant for, gets access with `jitgate grant`, uses the app (page and WebSocket)
 * under her identity, and is refused again the moment the grant is revoked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';

void describe('web access in Chromium', () => {
  let demo: TestDemo;
  let browser: TestChromium;
  let page: Page;
  let adminArgs: string[];

  before(async () => {
    demo = await startTestDemo();
    browser = await launchChromium();
    page = await browser.context.newPage();
    adminArgs = ['--url', `http://127.0.0.1:${demo.port}`, '--state-dir', demo.stateDir];
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  void it('alice logs in through the IdP login page', async () => {
    await signInInBrowser(page, demo.url, 'alice');
    assert.equal(await page.locator('#whoami').textContent(), 'alice');
  });

  void it('payroll answers 403 with "Request access" while she has no grant', async () => {
    const response = await page.goto(`${demo.payrollOrigin}/`);
    assert.equal(response?.status(), 403);
    await page.getByRole('heading', { name: 'No access to Payroll' }).waitFor();
    const link = page.getByRole('link', { name: 'Request access' });
    assert.equal(await link.getAttribute('href'), `${demo.url}/resources/payroll`);
  });

  let grantId = '';

  void it('after `jitgate grant alice payroll` she sees payroll with her identity', async () => {
    const result = await runCli(['grant', 'alice', 'payroll', '--for', '30m', ...adminArgs]);
    assert.equal(result.code, 0, result.stderr);
    grantId = result.stdout.trim();
    assert.match(grantId, /^grt_/);
    const response = await page.goto(`${demo.payrollOrigin}/`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('#sub').textContent(), 'demo:alice');
    assert.equal(await page.locator('#email').textContent(), 'alice@demo.jitgate.test');
    assert.equal(await page.locator('#grant').textContent(), grantId);
  });

  void it('her WebSocket to payroll works, and revoke closes it and refuses her again', async () => {
    await page.goto(`${demo.payrollOrigin}/ws`);
    await page.locator('#status', { hasText: 'open' }).waitFor();
    await page.locator('#msg').fill('hello payroll');
    await page.locator('#send').click();
    await page.locator('#log', { hasText: 'hello payroll' }).waitFor();

    const result = await runCli(['revoke', grantId, ...adminArgs]);
    assert.equal(result.code, 0, result.stderr);
    await page.locator('#status', { hasText: 'closed' }).waitFor({ timeout: 2000 });

    const response = await page.goto(`${demo.payrollOrigin}/`);
    assert.equal(response?.status(), 403);
    await page.getByRole('link', { name: 'Request access' }).waitFor();
  });
});
