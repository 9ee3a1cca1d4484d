/**
 * A SAML login as a browser makes it: follow /auth/login to the IdP's login form, submit it, and
 * post the HTTP-POST binding form (SAMLResponse, RelayState) the IdP answers with to the ACS.
 */
import assert from 'node:assert/strict';
import { formAction, type Reply, type TestBrowser } from './http-client.js';

const unescapeHtml = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#34;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&#x2B;', '+')
    .replaceAll('&#43;', '+')
    .replaceAll('&#x3D;', '=')
    .replaceAll('&#61;', '=')
    .replaceAll('&amp;', '&');

/** The hidden fields of the first form on a page, by name. */
export function hiddenFields(page: Reply): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [input] of page.body.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/i.exec(input)?.[1];
    const value = /value="([^"]*)"/i.exec(input)?.[1];
    if (name !== undefined) fields[name] = unescapeHtml(value ?? '');
  }
  return fields;
}

/** The IdP's HTTP-POST binding page: where it posts and the SAMLResponse (base64) it carries. */
export function postBindingOf(page: Reply): { acs: string; fields: Record<string, string> } {
  const fields = hiddenFields(page);
  assert.ok(fields.SAMLResponse, `no SAMLResponse on ${page.url} (status ${page.status})`);
  return { acs: formAction(page), fields };
}

/** Submits the binding page like the browser's auto-submit does; returns the final answer. */
export function submitPostBinding(browser: TestBrowser, page: Reply): Promise<Reply> {
  const { acs, fields } = postBindingOf(page);
  return browser.postForm(acs, fields);
}
