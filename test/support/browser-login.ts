/**
 * Signs a demo user in from the portal in a real browser page, the way a person does: the
 * signed-out page, the IdP chooser (staff and vendors have separate IdPs), the IdP's own form.
 */
import type { Page } from 'playwright-core';
import { DEMO_IDPS, demoIdpFor } from '../../proxy/demo/demo-config.js';

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
  await page.getByRole('heading', { name: 'My access' }).waitFor();
}
