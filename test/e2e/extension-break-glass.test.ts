/**
 * Emergency access from the browser extension, in Chromium with the built extension loaded.
 * Validates: alice's popup offers Emergency access on prod-shell apart from Request access (the
 * server says a policy allows it); a refusal (an incident that does not match) shows the
 * server's reason; with an incident, her MFA step-up (the connect page's step-up sign-in, its
 * token carrying it, her earlier token revoked) breaks the glass at once, through
 * POST /break-glass like the portal and the CLI; then bob, connected to the same extension, sees the loud review banner linking to
 * the portal's review page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { launchWithExtension, type ExtensionChromium } from '../support/extension.js';

void describe('Emergency access from the extension in Chromium', () => {
  let demo: TestDemo;
  let chromium: ExtensionChromium;
  let popup: Page;

  before(async () => {
    demo = await startTestDemo();
    chromium = await launchWithExtension({
      jitgateOrigin: demo.url,
      appOrigins: [demo.payrollOrigin],
    });
  });

  after(async () => {
    await chromium?.close();
    await demo?.stop();
  });

  /** Signs `username` in on the portal and connects the extension as them. */
  async function connectAs(username: string) {
    const portal = await chromium.context.newPage();
    await signInInBrowser(portal, demo.url, username);
    const options = await chromium.context.newPage();
    await options.goto(chromium.url('options.html'));
    await options.getByLabel('jitgate URL').fill(demo.url);
    const opened = chromium.context.waitForEvent('page');
    await options.getByRole('button', { name: 'Connect' }).click();
    const connect = await opened;
    await connect.getByRole('button', { name: 'Connect' }).click();
    await connect.getByText(`Connected as ${username}`).waitFor();
    popup = await chromium.context.newPage();
    await popup.goto(chromium.url('popup.html'));
  }

  const emergency = () =>
    popup.locator('li[data-resource="prod-shell"] details.break-glass', {
      has: popup.getByText('Emergency access'),
    });

  void it('alice sees Emergency access on prod-shell only, apart from Request access', async () => {
    await connectAs('alice');
    await emergency().waitFor();
    assert.equal(
      await popup.locator('li[data-resource="payroll"] details.break-glass').count(),
      0,
      'no policy lets her break the glass on payroll',
    );
  });

  void it('a break-glass refused by the server shows its reason', async () => {
    const form = emergency();
    await form.locator('summary').click();
    await form.getByLabel('Incident').fill('not an incident');
    await form.getByLabel('Reason').fill('production is down');
    await form.getByRole('button', { name: 'Break the glass' }).click();
    await popup
      .locator('#problem', { hasText: 'the incident reference must match ^INC-[0-9]+$' })
      .waitFor();
    const [refused] = await demo.jitgate.audit.list({ code: 'break_glass.refused', limit: 5 });
    assert.equal(refused?.actor, 'demo:alice');
    assert.equal(refused?.data.code, 'incident_invalid');
  });

  void it('with an incident and her MFA step-up, alice has access at once', async () => {
    const form = emergency();
    await form.getByLabel('Incident').fill('INC-77');
    await form.getByLabel('Duration').selectOption('10m');
    await form.getByLabel('Reason').fill('production is down');
    const opened = chromium.context.waitForEvent('page');
    await form.getByRole('button', { name: 'Break the glass' }).click();
    // Her extension token carries no step-up: the connect page signs it in again with one
    // (her sign-in's MFA is fresh, so no second prompt), then the request is sent once more.
    const connect = await opened;
    await connect.locator('#step-up-note').waitFor();
    await connect.getByRole('button', { name: 'Connect' }).click();
    await connect.getByText('Emergency access to prod-shell granted').waitFor();
    await popup.locator('li[data-resource="prod-shell"][data-state="active"]').waitFor();
    const [event] = await demo.jitgate.audit.list({ code: 'grant.break_glass', limit: 5 });
    assert.equal(event?.actor, 'demo:alice');
    assert.equal(event?.data.incident, 'INC-77');
    // The step-up token replaced her earlier one, which is revoked rather than left standing.
    const issued = await demo.jitgate.audit.list({ code: 'token.issued', limit: 10 });
    const stepped = issued.filter((e) => e.actor === 'demo:alice' && e.data.stepUpAt);
    assert.equal(stepped.length, 1, 'one token carries her step-up');
    const revoked = await demo.jitgate.audit.list({ code: 'token.revoked', limit: 10 });
    assert.equal(revoked.filter((e) => e.actor === 'demo:alice').length, 1);
  });

  void it('bob’s extension shows the review banner, linking to the portal', async () => {
    await popup.getByRole('button', { name: 'Sign out' }).click();
    await chromium.context.clearCookies();
    await connectAs('bob');
    const banner = popup.locator('#break-glass-banner');
    await banner.waitFor();
    assert.match(
      (await banner.textContent()) ?? '',
      // Where her identity comes from goes beside the name (a vendor IdP may send any name).
      /alice@demo\.jitgate\.test \(via demo\) broke the glass on prod-shell \(INC-77\)/,
    );
    assert.equal(
      await banner.getByRole('link', { name: 'Review break-glass access' }).getAttribute('href'),
      `${demo.url}/break-glass`,
    );
    assert.equal(
      await popup.locator('li[data-resource="prod-shell"] details.break-glass').count(),
      0,
      'no policy lets bob break the glass',
    );
  });
});
