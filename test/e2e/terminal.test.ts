/**
 * Terminals end to end in Chromium: alice opens the web terminal on prod-shell (granted) and runs
 * a command in xterm.js; carol (auditor) watches it live, then replays the recording with
 * asciinema-player and finds the command by search; a page of another origin cannot open the
 * terminal WebSocket with alice's cookie. The terminal, the live view, the Sessions list and the
 * playback page each fit a 1,280-px window (the other pages: test/e2e/page-fit.test.ts). One
 * Chromium; every wait is bounded.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { assertFits, FIT_WIDTH } from '../support/page-fit.js';
import { endedRow } from '../support/terminal.js';

const WAIT = { timeout: 10_000 };
const WINDOW = { width: FIT_WIDTH, height: 900 };

void describe('terminals in Chromium', () => {
  let demo: TestDemo;
  let browser: TestChromium;
  let alice: Page;
  let carol: Page;
  let adminArgs: string[];
  const n = randomInt(1000, 9000);
  const marker = `jitgate-e2e-${n + 1}`;
  let sessionUrl = '';

  before(async () => {
    demo = await startTestDemo();
    browser = await launchChromium();
    alice = await browser.context.newPage();
    await alice.setViewportSize(WINDOW);
    adminArgs = ['--url', `http://127.0.0.1:${demo.port}`, '--state-dir', demo.stateDir];
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /** Types into xterm.js the way a person does: focus the terminal, then the keyboard. */
  async function type(page: Page, line: string) {
    await page.locator('#terminal .xterm').click();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }

  void it('alice opens the web terminal on her grant and runs a command', async () => {
    await signInInBrowser(alice, demo.url, 'alice');
    const granted = await runCli(['grant', 'alice', 'prod-shell', '--for', '30m', ...adminArgs]);
    assert.equal(granted.code, 0, granted.stderr);
    await alice.goto(`${demo.url}/`);
    await alice.getByRole('link', { name: 'Open terminal' }).click();
    await alice.locator('#terminal[data-state="ready"]').waitFor(WAIT);
    await type(alice, `echo jitgate-e2e-$((${n}+1))`);
    await alice.locator('.xterm-rows', { hasText: marker }).waitFor(WAIT);
    assert.match((await alice.locator('#terminal-status').textContent()) ?? '', /recorded/);
    await assertFits(alice, 'the web terminal');
  });

  void it('carol watches the session live', async () => {
    carol = await browser.context.newPage();
    await carol.setViewportSize(WINDOW);
    // One browser profile: carol's cookie replaces alice's; alice's open terminal is unaffected.
    await browser.context.clearCookies();
    await signInInBrowser(carol, demo.url, 'carol');
    await carol.goto(`${demo.url}/sessions`);
    await assertFits(carol, 'the Sessions list');
    await carol.getByRole('link', { name: 'Watch' }).first().click();
    sessionUrl = carol.url();
    await carol.locator('#terminal[data-state="ready"]').waitFor(WAIT);
    await carol.locator('.xterm-rows', { hasText: marker }).waitFor(WAIT);
    await type(alice, `echo watched-$((${n}+2))`);
    await carol.locator('.xterm-rows', { hasText: `watched-${n + 2}` }).waitFor(WAIT);
    await assertFits(carol, 'the live view');
    if (process.env.JITGATE_SCREENSHOTS) {
      await alice.screenshot({
        path: `${process.env.JITGATE_SCREENSHOTS}/terminal.png`,
        fullPage: true,
      });
      await carol.screenshot({
        path: `${process.env.JITGATE_SCREENSHOTS}/live.png`,
        fullPage: true,
      });
    }
    await type(alice, 'exit');
    await alice.locator('#terminal[data-state="ended"]').waitFor(WAIT);
    await carol.locator('#terminal[data-state="ended"]').waitFor(WAIT);
  });

  void it('carol replays it with asciinema-player and finds the command by search', async () => {
    const shots = process.env.JITGATE_SCREENSHOTS;
    // The recording is sealed just after the session ends: the store says when, in one write.
    const id = new URL(sessionUrl).pathname.split('/').pop() ?? '';
    const row = await endedRow(() => demo.jitgate.store.terminalSessions.get(id), WAIT.timeout);
    assert.equal(row.recordingState, 'complete');
    await carol.goto(sessionUrl);
    await carol.locator('#player[data-state="ready"]').waitFor(WAIT);
    await carol.locator('#player .ap-player, #player .ap-wrapper').first().waitFor(WAIT);
    assert.match((await carol.locator('#verification').textContent()) ?? '', /verify/);
    await carol.getByLabel('Search the output').fill(marker);
    await carol.getByRole('button', { name: 'Search' }).click();
    const jump = carol.locator('#search-results button.jump').first();
    await jump.waitFor(WAIT);
    await jump.click();
    await carol.locator('#player-status', { hasText: 'Jumped to' }).waitFor(WAIT);
    await assertFits(carol, 'the playback page');
    if (shots) await carol.screenshot({ path: `${shots}/playback.png`, fullPage: true });
    const time = Number(await carol.locator('#player-status').getAttribute('data-time'));
    assert.ok(time >= 0);
  });

  void it('a page of another origin cannot open the terminal WebSocket', async () => {
    await browser.context.clearCookies();
    await signInInBrowser(alice, demo.url, 'alice');
    const granted = await runCli(['grant', 'alice', 'payroll', '--for', '30m', ...adminArgs]);
    assert.equal(granted.code, 0, granted.stderr);
    await runCli(['grant', 'alice', 'prod-shell', '--for', '30m', ...adminArgs]);
    await alice.goto(`${demo.payrollOrigin}/`);
    // Chromium says why on the console: the proxy answered the handshake with 403
    // (foreign_origin). That message and the page's answer come back in either order.
    const said403 = alice.waitForEvent('console', { predicate: (m) => /403/.test(m.text()) });
    const target = `${demo.url.replace(/^http/, 'ws')}/terminal/prod-shell/ws?login=deploy`;
    const outcome = await alice.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('opened');
          ws.onclose = (event) => resolve(`closed ${event.code}`);
        }),
      target,
    );
    assert.equal(outcome, 'closed 1006');
    await said403;
    const refusals = await demo.jitgate.store.terminalSessions.list({ limit: 10, state: 'live' });
    assert.equal(refusals.length, 0, 'no session was opened');
  });
});
