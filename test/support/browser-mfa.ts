/**
 * The second factor in a real browser page: enroll an authenticator by reading the key from the
 * page (`#totp-secret`, nothing is scanned) and keep the recovery codes shown once; or answer a
 * step-up with the next code. Codes come from the same TestAuthenticator as Node-side logins.
 */
import type { Page } from 'playwright-core';
import type { TestAuthenticator } from './mfa.js';

/** Enrolls on the enrollment page `page` shows; stays on the page with the recovery codes. */
export async function enrollInBrowser(page: Page, auth: TestAuthenticator): Promise<void> {
  auth.enrolled(((await page.locator('#totp-secret').textContent()) ?? '').trim());
  await page.getByLabel('Code the app shows now').fill(await auth.totp());
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('#recovery-codes').waitFor();
  auth.recoveryCodes = await page.locator('.recovery-code').allTextContents();
}

/** Answers the step-up page `page` shows with a code (or a recovery code when steps ran out). */
export async function stepUpInBrowser(page: Page, auth: TestAuthenticator): Promise<void> {
  const { field, value } = await auth.answer();
  if (field === 'code') {
    await page.getByLabel('Code from your authenticator app').fill(value);
    await page.getByRole('button', { name: 'Verify' }).click();
    return;
  }
  await page.getByText('Use a recovery code').click();
  await page.getByLabel('Recovery code').fill(value);
  await page.getByRole('button', { name: 'Use recovery code' }).click();
}

/** After the IdP's form: enrolls or steps up when jitgate asks, and goes on to where it leads. */
export async function completeMfaInBrowser(page: Page, auth: TestAuthenticator): Promise<void> {
  const enroll = page.locator('#totp-secret');
  const verify = page.locator('form[data-form="verify-totp"]');
  const portal = page.locator('nav.portal');
  await enroll.or(verify).or(portal).first().waitFor();
  if (await enroll.isVisible()) {
    await enrollInBrowser(page, auth);
    await page.getByRole('link', { name: 'Continue' }).click();
  } else if (await verify.isVisible()) {
    await stepUpInBrowser(page, auth);
  }
}
