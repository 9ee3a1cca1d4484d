/**
 * Signs a demo user in from the portal in a real browser page, the way a person does: the
 * signed-out page, the IdP chooser (staff and vendors have separate IdPs), the IdP's own form,
 * then the second factor the demo asks for (support/browser-mfa.ts).
 */
import type { Page } from 'playwright-core';
import { DEMO_IDPS, demoIdpFor } from '../../proxy/demo/demo-config.js';
import { completeMfaInBrowser } from './browser-mfa.js';
import { authenticatorOf } from './mfa.js';

export async function signInInBrowser(
  page: Page,
  portalUrl: string,
  username: string,
  password = 'demo',
) {
  await page.goto(portalUrl);
  await page.getByRole('link', { name: 'Sign in', exact: true }).click();
  await page
    .getByRole('link', { name: `Sign in with ${DEMO_IDPS[demoIdpFor(username)].name}` })
    .click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await completeMfaInBrowser(page, authenticatorOf(portalUrl, username));
  await page.getByRole('heading', { name: 'My access' }).waitFor();
}
