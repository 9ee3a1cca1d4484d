/** Driving the portal's forms from Node-side tests: the CSRF token, row states, form posts. */
import assert from 'node:assert/strict';
import type { Reply, TestBrowser } from './http-client.js';

export const HOSTILE = '<script>alert("pwned")</script>';

export function csrfOf(page: Reply): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(token, `a CSRF field on ${page.url}`);
  return token;
}

/** The `data-state` of a resource's row on "My access". */
export async function stateOf(
  browser: TestBrowser,
  origin: string,
  resource = 'payroll',
): Promise<string | undefined> {
  const home = await browser.navigate(`${origin}/`);
  return new RegExp(`data-resource="${resource}" data-state="([a-z]+)"`).exec(home.body)?.[1];
}

/** Opens `from` for its CSRF token, then posts the form fields to `path` like a browser. */
export async function submit(
  browser: TestBrowser,
  origin: string,
  from: string,
  path: string,
  fields: Record<string, string> = {},
): Promise<Reply> {
  const page = await browser.navigate(`${origin}${from}`);
  return browser.postForm(`${origin}${path}`, { _csrf: csrfOf(page), ...fields });
}

export const requestIdsIn = (page: Reply) =>
  [...page.body.matchAll(/data-request="(req_[A-Za-z0-9_-]+)"/g)].map((m) => m[1] ?? '');
