/**
 * End to end in Chromium: the web session trail as an auditor reads it. vic, a vendor signed in
 * through the vendor IdP, uses payroll under a grant (pages, a WebSocket); carol, an auditor,
 * opens the grant's timeline, sees his requests in the order he made them, and downloads the
 * HAR, which parses. One Chromium: the cookies are cleared between the two people.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { demoUserId, startTestDemo, type TestDemo } from '../support/demo.js';
import { waitFor } from '../support/wire.js';

void describe('web session trail in Chromium', () => {
  let demo: TestDemo;
  let browser: TestChromium;
  let page: Page;
  let grantId = '';

  before(async () => {
    demo = await startTestDemo();
    browser = await launchChromium();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  void it('vic, a vendor, uses payroll under a grant', async () => {
    await signInInBrowser(page, demo.url, 'vic');
    const grant = await demo.jitgate.grants.grant({
      user: demoUserId('vic'), // a vendor is named by user id
      resource: 'payroll',
      durationMs: 30 * 60_000,
      actor: 'test',
      reason: 'vendor support ticket',
    });
    grantId = grant.id;
    const home = await page.goto(`${demo.payrollOrigin}/`);
    assert.equal(home?.status(), 200);
    assert.equal(await page.locator('#grant').textContent(), grantId);
    await page.goto(`${demo.payrollOrigin}/headers?view=vic`);
    await page.goto(`${demo.payrollOrigin}/ws`);
    await page.locator('#status', { hasText: 'open' }).waitFor();
    await page.locator('#msg').fill('hello from vic');
    await page.locator('#send').click();
    await page.locator('#log', { hasText: 'hello from vic' }).waitFor();
    // Leaving the page closes the socket; its row is written when it is over.
    await page.goto(`${demo.payrollOrigin}/headers?view=last`);
    await waitFor(
      async () => {
        await demo.jitgate.trail.flush();
        const rows = await demo.jitgate.store.trail.byGrant(grantId, {}, { limit: 100 });
        return rows.some((r) => r.kind === 'websocket');
      },
      5000,
      "vic's WebSocket row",
    );
  });

  void it("carol opens the grant's timeline and sees his requests in order", async () => {
    await browser.context.clearCookies();
    await signInInBrowser(page, demo.url, 'carol');
    await page.getByRole('link', { name: 'Trails' }).click();
    await page.getByRole('heading', { name: 'Web session trails' }).waitFor();
    await page.locator(`#trail a[href="/grants/${grantId}/trail"]`).first().click();
    await page.getByRole('heading', { name: 'Web session trail' }).waitFor();
    assert.match((await page.locator('#grant-person').textContent()) ?? '', /vic/);
    assert.match((await page.locator('#grant-request').textContent()) ?? '', /vendor support/);
    const paths = await page.locator('#trail tbody td.trail-path .target').allTextContents();
    const expected = ['/', '/headers?view=vic', '/ws', '/ws/echo', '/headers?view=last'];
    // Chromium may add requests of its own (a favicon); his appear in the order he made them.
    let at = -1;
    for (const path of expected) {
      const next = paths.findIndex((text, i) => i > at && text.trim() === path);
      assert.ok(next > at, `${path} after the previous one in ${JSON.stringify(paths)}`);
      at = next;
    }
    const socket = page.locator('#trail tbody tr[data-kind="websocket"]');
    assert.match((await socket.textContent()) ?? '', /WebSocket: 1 in,\s+1 out/);
  });

  void it('she downloads the HAR, which parses', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#export-har').click(),
    ]);
    assert.equal(download.suggestedFilename(), `jitgate-trail-${grantId}.har`);
    const har = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      log: { version: string; entries: { request: { url: string } }[] };
    };
    assert.equal(har.log.version, '1.2');
    assert.ok(har.log.entries.length > 0);
    assert.ok(
      har.log.entries.some((e) => e.request.url === `${demo.payrollOrigin}/headers?view=vic`),
    );
    const exported = await demo.jitgate.audit.list({ code: 'trail.exported', limit: 5 });
    assert.equal(exported[0]?.target, grantId);
    assert.equal(exported[0]?.data.via, 'portal');
  });
});
