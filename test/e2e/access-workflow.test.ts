/**
 * End to end in Chromium, two people in two browser contexts of one Chromium: bob (approver)
 * is refused approving his own request; alice requests payroll with a reason in the portal; bob's
 * Approvals page shows it live and he approves it for one minute; alice's "My access" turns
 * active live and she reaches payroll as herself; at expiry payroll refuses her and both pages
 * show that it ended. "Live" means without a reload: a marker set on the page must survive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { requestInPortal } from '../support/browser-request.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';

/** What "live" may take here: the design asks for a second; CI machines get some slack. */
const LIVE_MS = 3000;

type Marked = { jitgateMarker?: string };

void describe('access workflow in Chromium: request, live approval, expiry', () => {
  let demo: TestDemo;
  let chromium: TestChromium;
  let bobContext: BrowserContext;
  let alice: Page;
  let bob: Page;
  const scriptErrors: Error[] = [];

  before(async () => {
    demo = await startTestDemo();
    chromium = await launchChromium();
    // A second, isolated context in the same Chromium process: its own cookies, so bob.
    const second = await chromium.context.browser()?.newContext();
    if (!second) throw new Error('this Playwright gives no browser for a persistent context');
    bobContext = second;
    alice = await chromium.context.newPage();
    bob = await bobContext.newPage();
    // The portal script must never throw, even before the event stream exists.
    for (const page of [alice, bob]) page.on('pageerror', (error) => scriptErrors.push(error));
  });

  after(async () => {
    await bobContext?.close();
    await chromium?.close();
    await demo?.stop();
  });

  async function signIn(page: Page, username: string) {
    await signInInBrowser(page, demo.url, username);
  }

  /** Marks the loaded document; a reload or navigation would lose the mark. */
  const mark = (page: Page, value: string) =>
    page.evaluate((v) => void ((globalThis as Marked).jitgateMarker = v), value);
  const markOf = (page: Page) => page.evaluate(() => (globalThis as Marked).jitgateMarker);

  const payrollRow = (page: Page, state?: string) =>
    page.locator(`tr[data-resource="payroll"]${state ? `[data-state="${state}"]` : ''}`);

  /**
   * Requests payroll and waits for the page the form leads to (its flash): the old page's live
   * refresh also shows the row pending, while the browser's navigation is still on its way.
   */
  async function request(page: Page, reason: string, duration: string) {
    await requestInPortal(page, 'payroll', { reason, duration });
    await page.locator('#flash', { hasText: `Requested Payroll for ${duration}` }).waitFor();
    await payrollRow(page, 'pending').waitFor();
  }

  /**
   * Forces the order a busy machine produced: the form's answer (the flash is stored), then the
   * page being left re-fetches itself (its script does when an access event arrives), and only
   * then does the browser follow the answer to the page it names.
   */
  async function refetchBeforeLanding(page: Page, path: string) {
    const pageUrl = page.url();
    let answered: () => void = () => undefined;
    const formAnswered = new Promise<void>((resolve) => (answered = resolve));
    let refetched: () => void = () => undefined;
    const pageRefetched = new Promise<void>((resolve) => (refetched = resolve));
    const holdRefetch = async (route: Route) => {
      if (route.request().resourceType() !== 'fetch') return route.fallback();
      await formAnswered;
      await route.continue();
      await route.request().response();
      refetched();
    };
    await page.route(pageUrl, holdRefetch);
    await page.route(
      `${demo.url}${path}`,
      async (route) => {
        const answer = await route.fetch({ maxRedirects: 0 });
        answered();
        await pageRefetched;
        // In this order: with no route left, Playwright lets paused requests go on their own.
        await route.fulfill({ response: answer });
        await page.unroute(pageUrl, holdRefetch);
      },
      { times: 1 },
    );
  }

  void it('bob is refused approving his own request, in words', async () => {
    await signIn(bob, 'bob');
    await request(bob, 'checking my own payslip', '1h');
    const csrf = await bob.locator('input[name="_csrf"]').first().getAttribute('value');
    await bob.getByRole('link', { name: /^Approvals/ }).click();
    const own = bob.locator('#own-requests li');
    await own.getByText('a person cannot approve their own request').waitFor();
    assert.equal(await bob.locator('#queue .queue-item').count(), 0);

    // Even a forged approval (with his valid CSRF token) is refused by the domain, and said so.
    const id = await own.getAttribute('data-own-request');
    const forced = await bob.request.post(`${demo.url}/requests/${id}/approve`, {
      form: { _csrf: csrf ?? '', back: '/approvals' },
    });
    assert.match(await forced.text(), /Refused: a person cannot approve their own request/);

    await bob.getByRole('link', { name: 'My access' }).click();
    await payrollRow(bob).getByRole('button', { name: 'Cancel request' }).click();
    await bob.locator('#flash', { hasText: 'Your request for Payroll is cancelled.' }).waitFor();
    await payrollRow(bob, 'none').waitFor();
    await bob.getByRole('link', { name: /^Approvals/ }).click();
    await bob.getByText('Nothing is waiting for you.').waitFor();
    await mark(bob, 'bob-queue');
  });

  void it('alice requests payroll with a reason; bob’s queue shows it live', async () => {
    await signIn(alice, 'alice');
    await payrollRow(alice, 'none').waitFor();
    // Her request's event makes the page she is leaving re-fetch itself; that re-fetch reaches
    // jitgate before the page the form's answer names, and the flash must wait for that page.
    await refetchBeforeLanding(alice, '/requests');
    await request(alice, 'monthly payroll run', '30m');

    const item = bob.locator('.queue-item', { hasText: 'alice@demo.jitgate.test' });
    await item.waitFor({ timeout: LIVE_MS });
    assert.equal(await item.locator('.reason').textContent(), 'monthly payroll run');
    assert.equal(await bob.locator('#approvals-count').textContent(), '1');
    assert.equal(await markOf(bob), 'bob-queue', 'bob’s page was not reloaded');
  });

  let endsAt = 0;

  void it('bob approves for 1m; alice’s page turns active live and she reaches payroll', async () => {
    await mark(alice, 'alice-home');
    const item = bob.locator('.queue-item', { hasText: 'alice@demo.jitgate.test' });
    await item.locator('select[name="duration"]').selectOption('1m');
    await item.getByLabel('Comment').fill('one minute for the test');
    await item.getByRole('button', { name: 'Approve' }).click();
    await bob.locator('#flash', { hasText: 'Approved: alice has Payroll' }).waitFor();

    const active = payrollRow(alice, 'active');
    await active.waitFor({ timeout: LIVE_MS });
    assert.equal(await markOf(alice), 'alice-home', 'alice’s page was not reloaded');
    const countdown = active.locator('[data-ends-at]');
    endsAt = Date.parse((await countdown.getAttribute('data-ends-at')) ?? '');
    assert.ok(endsAt - Date.now() <= 60_000, 'bob’s shorter duration holds');
    assert.match((await countdown.textContent()) ?? '', /^(?:0m [0-5]\ds|1m 00s)$/);

    const app = await chromium.context.newPage();
    const response = await app.goto(`${demo.payrollOrigin}/`);
    assert.equal(response?.status(), 200);
    assert.equal(await app.locator('#sub').textContent(), 'demo:alice');
    assert.equal(await app.locator('#email').textContent(), 'alice@demo.jitgate.test');
    await app.close();
    await bob.locator('#live-grants tr[data-grant]', { hasText: 'alice' }).waitFor();
  });

  void it('at expiry payroll refuses her and her page shows the access ended', async () => {
    const ended = payrollRow(alice, 'ended');
    await ended.waitFor({ timeout: Math.max(0, endsAt - Date.now()) + 5000 });
    await ended.getByText(/your last access to Payroll expired at/).waitFor();
    assert.equal(await markOf(alice), 'alice-home', 'the page updated itself at expiry');

    const app = await chromium.context.newPage();
    const response = await app.goto(`${demo.payrollOrigin}/`);
    assert.equal(response?.status(), 403);
    await app.getByRole('link', { name: 'Request access' }).waitFor();
    await app.close();
    await bob.getByText('No live grants.').waitFor({ timeout: LIVE_MS });
    assert.deepEqual(scriptErrors, []);
  });
});
