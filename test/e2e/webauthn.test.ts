/**
 * End to end in Chromium, passkeys: with the Chrome DevTools Protocol virtual authenticator
 * (works on `localhost`, the demo portal's host, not on 127.0.0.1), bob registers a named passkey
 * on the Security page, then uses it for the step-up his approval of alice's request waits for,
 * and again at his next sign-in (the demo asks for MFA at login); finally he removes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { signInInBrowser } from '../support/browser-login.js';
import { assertFits, FIT_WIDTH } from '../support/page-fit.js';
import { requestInPortal } from '../support/browser-request.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { sessionIdOf } from '../support/wire.js';

void describe('WebAuthn in Chromium: register a passkey, step up and sign in with it', () => {
  let demo: TestDemo;
  let chromium: TestChromium;
  let bobContext: BrowserContext;
  let alice: Page;
  let bob: Page;
  let cdp: CDPSession;
  let authenticatorId: string;

  before(async () => {
    demo = await startTestDemo();
    assert.equal(new URL(demo.url).hostname, 'localhost', 'WebAuthn needs a secure context');
    chromium = await launchChromium();
    const second = await chromium.context.browser()?.newContext();
    if (!second) throw new Error('this Playwright gives no browser for a persistent context');
    bobContext = second;
    alice = await chromium.context.newPage();
    bob = await bobContext.newPage();
    cdp = await bob.context().newCDPSession(bob);
    await cdp.send('WebAuthn.enable');
    const added = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    authenticatorId = added.authenticatorId;
  });

  after(async () => {
    await bobContext?.close();
    await chromium?.close();
    await demo?.stop();
  });

  /** Makes bob's last step-up twenty minutes old, as far as the server is concerned. */
  async function ageBobsStepUp() {
    const cookie = (await bobContext.cookies()).find((c) => c.name === 'jitgate_session');
    const sid = sessionIdOf(cookie?.value ?? '');
    const stored = await demo.jitgate.store.sessions.get(sid);
    assert.ok(stored);
    const data = JSON.parse(stored.data) as { mfa: { at: number } };
    data.mfa.at -= 20 * 60_000;
    await demo.jitgate.store.sessions.update({ ...stored, data: JSON.stringify(data) }, Date.now());
  }

  void it('bob registers a named passkey on the Security page', async () => {
    await signInInBrowser(bob, demo.url, 'bob');
    await bob.getByRole('link', { name: 'Security' }).click();
    await bob.getByRole('link', { name: 'Add Passkey or security key' }).click();
    await bob.getByRole('heading', { name: 'Add a passkey or security key' }).waitFor();
    await bob.getByLabel('Name').fill('Laptop passkey');
    await bob.getByRole('button', { name: 'Register passkey' }).click();

    // bob had a factor (and recovery codes) already: straight back to the Security page.
    await bob.locator('#mfa-factors .factor-name', { hasText: 'Laptop passkey' }).waitFor();
    assert.equal(new URL(bob.url()).pathname, '/mfa');
    const row = bob.locator('#mfa-factors tr', { hasText: 'Laptop passkey' });
    assert.equal(await row.getAttribute('data-type'), 'webauthn');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]?.rpId, 'localhost');

    const [enrolled] = await demo.jitgate.audit.list({
      code: 'mfa.enrolled',
      order: 'desc',
      limit: 1,
    });
    assert.equal(enrolled?.actor, 'demo:bob');
    assert.equal((enrolled?.data as { type?: string } | undefined)?.type, 'webauthn');
  });

  void it('bob’s approval waits for a step-up, which his passkey gives', async () => {
    await signInInBrowser(alice, demo.url, 'alice');
    await requestInPortal(alice, 'payroll', { reason: 'payroll run' });
    // The page the form leads to: the old page's live refresh shows the row pending too.
    await alice.locator('#flash', { hasText: 'Requested Payroll' }).waitFor();
    await alice.locator('tr[data-resource="payroll"][data-state="pending"]').waitFor();

    await ageBobsStepUp();
    await bob.getByRole('link', { name: /^Approvals/ }).click();
    const item = bob.locator('.queue-item', { hasText: 'alice@demo.jitgate.test' });
    await item.getByLabel('Comment').fill('fine');
    await item.getByRole('button', { name: 'Approve' }).click();
    await bob.getByRole('heading', { name: 'Verify it is you' }).waitFor();
    assert.equal(new URL(bob.url()).pathname, '/mfa/verify');
    assert.deepEqual(await demo.jitgate.audit.list({ code: 'request.approved', limit: 5 }), []);

    await bob.getByRole('button', { name: 'Use a passkey or security key' }).click();
    const usePasskey = bob.getByRole('button', { name: 'Use passkey' });
    await usePasskey.waitFor();
    await bob.setViewportSize({ width: FIT_WIDTH, height: 900 });
    await assertFits(bob, 'the passkey step-up page');
    await usePasskey.click();
    await bob.locator('#flash', { hasText: 'Approved: alice has Payroll' }).waitFor();
    assert.equal(new URL(bob.url()).pathname, '/approvals');
    await alice.locator('tr[data-resource="payroll"][data-state="active"]').waitFor();

    const [passed] = await demo.jitgate.audit.list({
      code: 'mfa.succeeded',
      order: 'desc',
      limit: 1,
    });
    assert.equal(passed?.actor, 'demo:bob');
    assert.equal((passed?.data as { method?: string } | undefined)?.method, 'webauthn');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.ok((credentials[0]?.signCount ?? 0) >= 1, 'the authenticator signed');
  });

  void it('his next sign-in takes the passkey, and he can remove it after a step-up', async () => {
    await bob.goto(`${demo.url}/auth/logout`);
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await bob.goto(demo.url);
    await bob.getByRole('link', { name: 'Sign in', exact: true }).click();
    await bob.getByRole('link', { name: 'Sign in with jitgate demo IdP' }).click();
    // The IdP may still know him (single sign-on); jitgate asks for the second factor anyway.
    const idpForm = bob.getByLabel('Username');
    const verify = bob.getByRole('heading', { name: 'Verify it is you' });
    await idpForm.or(verify).first().waitFor();
    if (await idpForm.isVisible()) {
      await idpForm.fill('bob');
      await bob.getByLabel('Password').fill('demo');
      await bob.getByRole('button', { name: 'Sign in' }).click();
    }
    await verify.waitFor();
    await bob.getByRole('button', { name: 'Use a passkey or security key' }).click();
    await bob.getByRole('button', { name: 'Use passkey' }).click();
    await bob.getByRole('heading', { name: 'My access' }).waitFor();

    await bob.getByRole('link', { name: 'Security' }).click();
    const row = bob.locator('#mfa-factors tr', { hasText: 'Laptop passkey' });
    await row.getByRole('button', { name: 'Remove' }).click();
    await bob.locator('#flash', { hasText: 'Removed "Laptop passkey".' }).waitFor();
    assert.equal(await bob.locator('#mfa-factors tr[data-type="webauthn"]').count(), 0);
    const [removed] = await demo.jitgate.audit.list({
      code: 'mfa.removed',
      order: 'desc',
      limit: 1,
    });
    assert.equal((removed?.data as { type?: string } | undefined)?.type, 'webauthn');
  });
});
