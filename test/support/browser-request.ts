/** Asking for access the way a person does on "My access": the one request form, filled in. */
import type { Page } from 'playwright-core';

export async function requestInPortal(
  page: Page,
  resource: string,
  fields: { reason: string; duration?: string },
): Promise<void> {
  const form = page.locator('#request-form');
  await form.getByLabel('Resource').selectOption(resource);
  if (fields.duration) await form.getByLabel(/^Duration/).selectOption(fields.duration);
  await form.getByLabel(/^Reason/).fill(fields.reason);
  await form.getByRole('button', { name: 'Request access' }).click();
}
