/**
 * End to end in Chromium, MFA: alice's first sign-in enrolls an authenticator by reading the key
 * from the page (nothing is scanned: the test computes the codes with totp.ts) and shows the
 * recovery codes once; the Security page lists the factor. Then an approval is blocked until a
 * step-up: bob's step-up has gone stale, his Approve sends him to /mfa/verify, nothing is
 * approved meanwhile, and after his code the approval goes through by itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { BrowserContext, Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { requestInPortal } from '../support/browser-request.js';
import { stepUpInBrowser } from '../support/browser-mfa.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { sessionIdOf } from '../support/wire.js';

void describe('MFA in Chromium: enrollment, and approval blocked until step-up', () => {
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

  void it('alice’s first sign-in enrolls an authenticator from the key on the page', async () => {
    await alice.goto(demo.url);
    await alice.getByRole('link', { name: 'Sign in', exact: true }).click();
    await alice.getByRole('link', { name: 'Sign in with jitgate demo IdP' }).click();
    await alice.getByLabel('Username').fill('alice');
    await alice.getByLabel('Password').fill('demo');
    await alice.getByRole('button', { name: 'Sign in' }).click();

    await alice.getByRole('heading', { name: 'Add an authenticator app' }).waitFor();
    const qrWidth = await alice
      .locator('#totp-qr')
      .evaluate((img: { naturalWidth: number }) => img.naturalWidth);
    assert.ok(qrWidth > 100, 'the QR code image renders');
    const secret = ((await alice.locator('#totp-secret').textContent()) ?? '').trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);

    // A wrong code first: the page says so and keeps the same key.
    await alice.getByLabel('Code the app shows now').fill('000000');
    await alice.getByRole('button', { name: 'Confirm' }).click();
    await alice.locator('#mfa-error').waitFor();
    assert.equal((await alice.locator('#totp-secret').textContent())?.trim(), secret);

    // The authenticator app is support/mfa.ts: it computes the codes from the key with totp.ts.
    const auth = demo.authenticator('alice');
    auth.enrolled(secret);
    await alice.getByLabel('Name (optional)').fill('Work phone');
    await alice.getByLabel('Code the app shows now').fill(await auth.totp());
    await alice.getByRole('button', { name: 'Confirm' }).click();
    await alice.locator('#recovery-codes').waitFor();
    auth.recoveryCodes = await alice.locator('.recovery-code').allTextContents();
    assert.equal(auth.recoveryCodes.length, 10);

    await alice.getByRole('link', { name: 'Continue' }).click();
    await alice.getByRole('heading', { name: 'My access' }).waitFor();
    await alice.getByRole('link', { name: 'Security' }).click();
    await alice.locator('#mfa-factors .factor-name', { hasText: 'Work phone' }).waitFor();
    assert.match((await alice.locator('#recovery-codes-left').textContent()) ?? '', /10 of 10/);
  });

  void it('bob’s approval waits for his step-up, then goes through', async () => {
    await alice.getByRole('link', { name: 'My access' }).click();
    await requestInPortal(alice, 'payroll', { reason: 'payroll run' });
    // The page the form leads to: the old page's live refresh shows the row pending too.
    await alice.locator('#flash', { hasText: 'Requested Payroll' }).waitFor();
    await alice.locator('tr[data-resource="payroll"][data-state="pending"]').waitFor();

    await signInInBrowser(bob, demo.url, 'bob');
    // Twenty minutes later, as far as his step-up is concerned.
    const cookie = (await bobContext.cookies()).find((c) => c.name === 'jitgate_session');
    const sid = sessionIdOf(cookie?.value ?? '');
    const stored = await demo.jitgate.store.sessions.get(sid);
    assert.ok(stored);
    const data = JSON.parse(stored.data) as { mfa: { at: number } };
    data.mfa.at -= 20 * 60_000;
    await demo.jitgate.store.sessions.update({ ...stored, data: JSON.stringify(data) }, Date.now());

    await bob.getByRole('link', { name: /^Approvals/ }).click();
    const item = bob.locator('.queue-item', { hasText: 'alice@demo.jitgate.test' });
    await item.getByLabel('Comment').fill('fine');
    await item.getByRole('button', { name: 'Approve' }).click();
    await bob.getByRole('heading', { name: 'Verify it is you' }).waitFor();
    assert.equal(new URL(bob.url()).pathname, '/mfa/verify');
    const approved = await demo.jitgate.audit.list({ code: 'request.approved', limit: 5 });
    assert.deepEqual(approved, [], 'nothing is approved before the step-up');

    await stepUpInBrowser(bob, demo.authenticator('bob'));
    await bob.locator('#flash', { hasText: 'Approved: alice has Payroll' }).waitFor();
    assert.equal(new URL(bob.url()).pathname, '/approvals');
    await alice.locator('tr[data-resource="payroll"][data-state="active"]').waitFor();
    const [event] = await demo.jitgate.audit.list({ code: 'request.approved', limit: 5 });
    assert.equal(event?.actor, 'demo:bob');
    assert.equal(event?.reason, 'fine');
  });
});
