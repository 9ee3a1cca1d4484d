/**
 * End to end in Chromium with the built extension loaded. Validates: alice connects the
 * extension to jitgate (connect page, PKCE code, token); she requests payroll from the popup,
 * what she typed surviving a re-render;
 * bob approves in the portal and her popup shows the grant within a second; Open lands her in
 * payroll with no login redirect and no app cookie, carried by the session credential header;
 * a page on another origin, or on payroll's host at another port, that posts to payroll does
 * not carry it, and a frame of the latter inside payroll's tab is refused by the gateway; the
 * per-grant login is filled on payroll's own login page and refused on a look-alike origin;
 * after release the header rule is gone, payroll refuses her and its 403 page offers "Request access" in place.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { BrowserContext, Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { startAttacker, type Attacker } from '../support/attacker.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { launchWithExtension, type ExtensionChromium } from '../support/extension.js';

void describe('the browser extension in Chromium', () => {
  let demo: TestDemo;
  let chromium: ExtensionChromium;
  let attacker: Attacker;
  let bobContext: BrowserContext;
  let popup: Page;
  let app: Page;
  const loginRedirects: string[] = [];

  before(async () => {
    demo = await startTestDemo();
    chromium = await launchWithExtension({
      jitgateOrigin: demo.url,
      appOrigins: [demo.payrollOrigin],
    });
    attacker = await startAttacker();
    const second = await chromium.context.browser()?.newContext();
    if (!second) throw new Error('this Playwright gives no browser for a persistent context');
    bobContext = second;
    chromium.context.on('request', (request) => {
      if (/\/auth\/(app|login)/.test(request.url())) loginRedirects.push(request.url());
    });
  });

  after(async () => {
    await bobContext?.close();
    await chromium?.close();
    await attacker?.close();
    await demo?.stop();
  });

  const payroll = (state?: string) =>
    popup.locator(`li[data-resource="payroll"]${state ? `[data-state="${state}"]` : ''}`);

  void it('alice connects the extension to jitgate from its options page', async () => {
    const portal = await chromium.context.newPage();
    await signInInBrowser(portal, demo.url, 'alice');
    const options = await chromium.context.newPage();
    await options.goto(chromium.url('options.html'));
    await options.getByLabel('jitgate URL').fill(demo.url);
    const opened = chromium.context.waitForEvent('page');
    await options.getByRole('button', { name: 'Connect' }).click();
    const connect = await opened;
    await connect.getByRole('heading', { name: 'Connect the jitgate extension?' }).waitFor();
    assert.equal(await connect.locator('#extension-id').textContent(), chromium.id);
    await connect.getByRole('button', { name: 'Connect' }).click();
    await connect.getByText('Connected as alice').waitFor();
    assert.equal(new URL(connect.url()).search, '', 'the code left the address bar');
    await options.getByText(`Connected to ${demo.url} as alice.`).waitFor();
    loginRedirects.length = 0;
  });

  void it('alice requests payroll from the popup', async () => {
    popup = await chromium.context.newPage();
    await popup.goto(chromium.url('popup.html'));
    const row = payroll('none');
    await row.getByLabel('Reason').fill('monthly payroll run');
    await row.getByLabel('Duration').selectOption('30m');
    // A new snapshot while she types (the refresh as the popup opens, any event from the proxy)
    // rebuilds the list: what she typed stays.
    await row.evaluate((li: { setAttribute(name: string, value: string): void }) =>
      li.setAttribute('data-before', ''),
    );
    await chromium.rewriteSnapshot();
    const rebuilt = popup.locator(
      'li[data-resource="payroll"][data-state="none"]:not([data-before])',
    );
    await rebuilt.waitFor();
    assert.equal(await rebuilt.getByLabel('Reason').inputValue(), 'monthly payroll run');
    assert.equal(await rebuilt.getByLabel('Duration').inputValue(), '30m');
    await rebuilt.getByRole('button', { name: 'Request access' }).click();
    await payroll('pending').waitFor();
  });

  void it('bob approves in the portal; alice’s popup shows the grant live', async (t) => {
    const bob = await bobContext.newPage();
    await signInInBrowser(bob, demo.url, 'bob');
    await bob.getByRole('link', { name: /^Approvals/ }).click();
    const item = bob.locator('.queue-item', { hasText: 'alice@demo.jitgate.test' });
    await item.getByRole('button', { name: 'Approve' }).click();
    const approvedAt = Date.now();
    await payroll('active').waitFor({ timeout: 10_000 });
    // How fast is the benchmark's question (the design's budget is a second); a test on a busy
    // machine only reports it.
    t.diagnostic(`the popup turned active ${Date.now() - approvedAt} ms after the approval`);
    await bob.locator('#flash', { hasText: 'Approved' }).waitFor();
    assert.match(
      (await payroll('active').locator('.countdown').textContent()) ?? '',
      /^\d+m \d\ds$/,
    );
  });

  void it('Open lands her in payroll with no login redirect, carried by the header', async () => {
    const opened = chromium.context.waitForEvent('page');
    await payroll('active').getByRole('button', { name: 'Open' }).click();
    app = await opened;
    await app.locator('#sub').waitFor();
    // One rule, for exactly payroll's origin, in the one tab at that origin (the app's).
    const [rule, ...more] = await chromium.sessionRules();
    assert.deepEqual(more, []);
    assert.deepEqual(rule?.condition.initiatorDomains, ['payroll.localhost']);
    assert.equal(rule?.condition.urlFilter, `|${demo.payrollOrigin}/`);
    assert.equal((rule?.condition.tabIds as number[] | undefined)?.length, 1);
    assert.equal(await app.locator('#sub').textContent(), 'demo:alice');
    assert.deepEqual(loginRedirects, [], 'no login redirect on the way');
    const cookies = await chromium.context.cookies(demo.payrollOrigin);
    assert.deepEqual(
      cookies.map((c) => c.name),
      [],
      'no app cookie: the header got her in',
    );

    await app.getByRole('link', { name: 'Request headers as received' }).click();
    const seen = JSON.parse((await app.locator('body').textContent()) ?? '{}') as {
      headers: Record<string, string>;
    };
    assert.ok(seen.headers['x-jitgate-assertion'], 'payroll got the identity assertion');
    assert.equal(seen.headers['x-jitgate-grant-credential'], undefined, 'stripped upstream');
    await app.goBack();
  });

  void it('a page on another origin that posts to payroll does not carry the credential', async () => {
    const page = await chromium.context.newPage();
    const target = `${demo.payrollOrigin}/echo`;
    await page.goto(
      `http://attacker.localhost:${attacker.port}/post?target=${encodeURIComponent(target)}`,
      // The page submits itself while it parses: its own load may never come; where it lands does.
      { waitUntil: 'commit' },
    );
    await page.waitForURL(target);
    // No credential and no cookie: 401. A credential that arrived would have been refused as
    // `credential_refused` (403), so this answer shows the header never left the browser.
    const body = (await page.locator('body').textContent()) ?? '';
    assert.match(body, /"code":"unauthenticated"/);
    await page.close();
  });

  void it('the per-grant login is filled on payroll’s login page only', async () => {
    await navigateInPage(app, '/login');
    await app.locator('#login-result').waitFor();
    assert.equal(await app.locator('#login-result').textContent(), 'Signed in to payroll as alice');

    const lookalike = await chromium.context.newPage();
    await lookalike.goto(`http://payroll.localhost:${attacker.port}/login`);
    await lookalike.locator('html[data-jitgate-login="refused"]').waitFor();
    assert.equal(await lookalike.locator('#password').inputValue(), '');
    // Another host entirely: the app script is registered for payroll's host only, so it never
    // runs there (asked of the worker, rather than waiting some time for nothing to happen).
    assert.deepEqual(await chromium.appScriptMatches(), ['http://payroll.localhost/*']);
    await lookalike.goto(`http://payroll.localhost.attacker.localhost:${attacker.port}/login`);
    assert.equal(await lookalike.locator('#password').inputValue(), '');
    assert.equal(await lookalike.locator('html').getAttribute('data-jitgate-login'), null);
    await lookalike.close();
  });

  void it('a page on payroll’s host at another port posts to payroll without the credential', async () => {
    const lookalike = await chromium.context.newPage();
    const target = `${demo.payrollOrigin}/echo`;
    await lookalike.goto(
      `http://payroll.localhost:${attacker.port}/post?target=${encodeURIComponent(target)}`,
      // The page submits itself while it parses: its own load may never come; where it lands does.
      { waitUntil: 'commit' },
    );
    await lookalike.waitForURL(target);
    // Nothing carried and no cookie: 401. A carried credential would have been refused (403).
    assert.match((await lookalike.locator('body').textContent()) ?? '', /"code":"unauthenticated"/);
    await lookalike.close();
  });

  void it('a frame of another origin inside payroll’s tab: the gateway refuses the credential', async () => {
    // Declarative rules cannot tell a tab's frames apart: the frame's post carries the
    // credential, and the gateway's exact-origin check is what refuses it.
    const target = `${demo.payrollOrigin}/echo`;
    await app.evaluate(
      (src) => {
        const { document } = globalThis as unknown as {
          document: {
            createElement(tag: 'iframe'): { src: string; id: string };
            body: { append(node: unknown): void };
          };
        };
        const frame = document.createElement('iframe');
        frame.id = 'lookalike';
        frame.src = src;
        document.body.append(frame);
      },
      `http://payroll.localhost:${attacker.port}/post?target=${encodeURIComponent(target)}`,
    );
    const framed = app.frameLocator('#lookalike').locator('body', { hasText: '"code"' });
    assert.match((await framed.textContent()) ?? '', /"code":"credential_cross_origin"/);
    // payroll's own pages in that tab keep working.
    await navigateInPage(app, '/');
    await app.locator('#sub').waitFor();
    assert.equal(await app.locator('#sub').textContent(), 'demo:alice');
  });

  void it('after release the rule is gone, payroll refuses her, its 403 page offers access', async () => {
    await payroll('active').getByRole('button', { name: 'Release' }).click();
    await payroll('none').waitFor();
    assert.deepEqual(await chromium.sessionRules(), []);
    await navigateInPage(app, '/');
    await app.getByRole('heading', { name: 'No access to Payroll' }).waitFor();
    await app.locator('#jitgate-extension-panel').waitFor();
  });
});

/** A navigation the page itself starts (its own origin is the initiator), like a link click. */
async function navigateInPage(page: Page, path: string) {
  await page.evaluate((to) => {
    (globalThis as unknown as { location: { href: string } }).location.href = to;
  }, path);
}
