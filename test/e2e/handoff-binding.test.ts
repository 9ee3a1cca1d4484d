/**
 * End to end in Chromium: the portal → app handoff belongs to the browser that started it. A
 * handoff link (`APP/.jitgate/auth?code=…`) made with alice's session, opened in bob's browser,
 * signs that browser into nothing and leaves bob's own app cookie as it was; the browser that
 * started a handoff still gets in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { BrowserContext, Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import type { TestBrowser } from '../support/http-client.js';

const APP_COOKIE = 'jitgate_session_app';

void describe('the app handoff is bound to the browser that started it', () => {
  let demo: TestDemo;
  let chromium: TestChromium;
  let bobContext: BrowserContext;
  let bob: Page;
  const grants: string[] = [];

  before(async () => {
    demo = await startTestDemo();
    chromium = await launchChromium();
    const context = await chromium.context.browser()?.newContext();
    if (!context) throw new Error('this Playwright gives no browser for a persistent context');
    bobContext = context;
    bob = await bobContext.newPage();
    await demo.login('alice');
    for (const user of ['alice', 'bob']) {
      if (user === 'bob') await signInInBrowser(bob, demo.url, 'bob');
      const grant = await demo.jitgate.grants.grant({
        user,
        resource: 'payroll',
        durationMs: 10 * 60_000,
        actor: 'test',
      });
      grants.push(grant.id);
    }
  });

  after(async () => {
    for (const id of grants) await demo.jitgate.grants.revoke(id, 'test');
    await bobContext?.close();
    await chromium?.close();
    await demo?.stop();
  });

  /** Follows alice's handoff up to the link that carries the code, without opening it. */
  async function handoffLinkOf(browser: TestBrowser): Promise<string> {
    let url = `${demo.url}/auth/app?rd=${encodeURIComponent(`${demo.payrollOrigin}/headers`)}`;
    for (let hops = 0; hops < 10; hops++) {
      const reply = await browser.request(url);
      const location = reply.headers.location;
      assert.ok(location, `a redirect from ${url}, got ${reply.status}`);
      url = new URL(location, url).href;
      if (url.startsWith(`${demo.payrollOrigin}/.jitgate/auth?`)) return url;
    }
    throw new Error('no handoff link');
  }

  const payrollUser = async (page: Page) => {
    const response = await page.goto(`${demo.payrollOrigin}/headers`);
    assert.equal(response?.status(), 200);
    const { headers } = JSON.parse((await page.locator('body').textContent()) ?? '{}') as {
      headers: Record<string, string>;
    };
    return headers['x-payroll-user'];
  };

  void it("alice's handoff link opened in bob's browser signs nobody in as alice", async () => {
    assert.equal(await payrollUser(bob), 'bob');
    const before = (await bobContext.cookies(demo.payrollOrigin)).find(
      (c) => c.name === APP_COOKIE,
    );
    assert.ok(before, 'bob has his own app cookie');

    const alice = await demo.login('alice');
    const link = await handoffLinkOf(alice);
    const response = await bob.goto(link);
    assert.notEqual(response?.status(), 200);
    assert.doesNotMatch((await bob.locator('body').textContent()) ?? '', /alice/);

    const after = (await bobContext.cookies(demo.payrollOrigin)).find((c) => c.name === APP_COOKIE);
    assert.equal(after?.value, before.value, 'bob’s app cookie is untouched');
    assert.equal(await payrollUser(bob), 'bob');
  });

  void it('the code of a refused link is spent: alice cannot use it afterwards either', async () => {
    const alice = await demo.login('alice');
    const link = await handoffLinkOf(alice);
    await bob.goto(link);
    const reply = await alice.request(link);
    assert.notEqual(reply.status, 302, 'no app cookie for a code that was tried elsewhere');
  });

  void it('the browser that started the handoff gets in', async () => {
    const alice = await demo.login('alice');
    const link = await handoffLinkOf(alice);
    const reply = await alice.request(link);
    assert.equal(reply.status, 302);
    assert.equal(reply.headers.location, '/headers');
    assert.ok(alice.jar.get('payroll.localhost', APP_COOKIE));
  });
});
