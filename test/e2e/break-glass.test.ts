/**
 * Break-glass end to end in Chromium: alice, signed in with MFA, breaks the glass on prod-shell
 * with an incident and has access at once, marked BREAK-GLASS on My access; bob sees the banner
 * on Approvals, opens the review, marks it justified with a comment; the audit log has both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { BrowserContext, Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';

void describe('break-glass in Chromium', () => {
  let demo: TestDemo;
  let chromium: TestChromium;
  let bobContext: BrowserContext;
  let alice: Page;
  let bob: Page;

  before(async () => {
    demo = await startTestDemo();
    chromium = await launchChromium();
    const second = await chromium.context.browser()?.newContext();
    if (!second) throw new Error('this Playwright gives no browser for a persistent context');
    bobContext = second;
    alice = await chromium.context.newPage();
    bob = await bobContext.newPage();
  });

  after(async () => {
    await bobContext?.close();
    await chromium?.close();
    await demo?.stop();
  });

  void it('alice breaks the glass on prod-shell with MFA and an incident, and is in at once', async () => {
    await signInInBrowser(alice, demo.url, 'alice');
    await alice.getByRole('link', { name: 'Emergency access (break-glass)' }).click();
    await alice.getByRole('heading', { name: 'Emergency access' }).waitFor();
    await alice.getByLabel('Resource').selectOption('prod-shell');
    await alice.getByLabel('Incident').fill('INC-42');
    await alice.getByLabel('Duration').fill('10m');
    await alice.getByLabel('Reason').fill('production is down');
    // The form posts, then lands back on /break-glass (its flash may be replaced at once by
    // the page's live refresh, which the grant's own event sets off).
    const posted = alice.waitForRequest(
      (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/break-glass',
    );
    const landed = alice.waitForEvent('load');
    await alice.getByRole('button', { name: 'Break the glass' }).click();
    await posted;
    await landed;
    await alice.getByRole('link', { name: 'My access' }).click();
    await alice
      .locator('tr[data-resource="prod-shell"][data-state="active"] .break-glass')
      .waitFor();
    const [event] = await demo.jitgate.audit.list({ code: 'grant.break_glass', limit: 5 });
    assert.equal(event?.actor, 'demo:alice');
    assert.equal(event?.data.incident, 'INC-42');
  });

  void it('bob sees the banner and reviews it', async () => {
    await signInInBrowser(bob, demo.url, 'bob');
    await bob.getByRole('link', { name: /^Approvals/ }).click();
    const banner = bob.locator('#break-glass-banner');
    await banner.waitFor();
    assert.match(
      (await banner.textContent()) ?? '',
      /alice\s+broke the glass on\s+Production shell\s+\(INC-42\)/,
    );
    await banner.getByRole('link', { name: 'Review break-glass access' }).click();
    const item = bob.locator('.queue-item', { hasText: 'INC-42' });
    assert.match((await item.locator('.reason').textContent()) ?? '', /production is down/);
    await item.getByLabel('Verdict').selectOption('justified');
    await item.getByLabel('Comment').fill('the outage needed it');
    await item.getByRole('button', { name: 'Record review' }).click();
    await item.waitFor({ state: 'detached' });
    const [review] = await demo.jitgate.audit.list({ code: 'break_glass.reviewed', limit: 5 });
    assert.equal(review?.actor, 'demo:bob');
    assert.equal(review?.data.verdict, 'justified');
    assert.equal(review?.reason, 'the outage needed it');
    await bob.getByRole('link', { name: /^Approvals/ }).click();
    await bob.getByRole('heading', { name: 'Approvals' }).waitFor();
    assert.equal(await bob.locator('#break-glass-banner').count(), 0);
  });
});
