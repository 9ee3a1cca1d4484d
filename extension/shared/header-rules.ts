/**
 * The declarativeNetRequest session rule that carries a grant's session credential: set one
 * header on requests to exactly the app's origin (an anchored URL prefix fixes scheme, host and
 * port; requestDomains alone would also match subdomains), started by the app's host, in the
 * tabs whose document is at exactly the app's origin. `initiatorDomains` knows no port or
 * scheme, so alone it would also let a page on the same host at another port or scheme send the
 * credential; `tabIds` (kept current by the worker as tabs navigate) leaves such pages in other
 * tabs out. Rules cannot tell one tab's frames apart: a frame on the app's host at another port
 * inside an app tab still matches, and the gateway refuses it (`Sec-Fetch-Site`, `Origin`).
 * Requests started by any other site, and navigations without an initiator, never match; the
 * extension enters the app through the app's own `/.jitgate/open` page, whose navigation is the
 * app's.
 */
import type { HeaderRule, ResourceType } from './browser.js';
import { exactOrigin } from './credential-policy.js';

export const CARRIED_TYPES: ResourceType[] = [
  'main_frame',
  'sub_frame',
  'xmlhttprequest',
  'websocket',
  'script',
  'stylesheet',
  'image',
  'font',
  'media',
  'ping',
  'other',
];

/** A credential a rule may carry: an exact origin, one of our headers, a plain token. */
export function isCarriable(credential: { origin: string; header: string; value: string }) {
  return (
    exactOrigin(credential.origin) === credential.origin &&
    /^x-jitgate-[a-z-]{1,40}$/i.test(credential.header) &&
    /^[\x21-\x7e]{16,4096}$/.test(credential.value)
  );
}

/** Rule ids are small positive integers; 0 and anything else are refused by the browser. */
export const isRuleId = (id: number) => Number.isInteger(id) && id >= 1 && id < 2 ** 31;

/**
 * The rule for `origin` in `tabIds`, or undefined when anything about the input is doubtful or
 * no tab is the app's (the browser would read an empty `tabIds` as a mistake, not as "none").
 */
export function buildHeaderRule(
  id: number,
  credential: { origin: string; header: string; value: string },
  tabIds: readonly number[],
): HeaderRule | undefined {
  if (!isRuleId(id) || !isCarriable(credential)) return undefined;
  if (tabIds.length === 0 || !tabIds.every((t) => Number.isInteger(t) && t >= 0)) return undefined;
  const origin = credential.origin;
  const host = new URL(origin).hostname;
  return {
    id,
    priority: 1,
    action: {
      type: 'modifyHeaders',
      requestHeaders: [{ header: credential.header, operation: 'set', value: credential.value }],
    },
    condition: {
      urlFilter: `|${origin}/`,
      requestDomains: [host],
      initiatorDomains: [host],
      tabIds: [...tabIds],
      resourceTypes: [...CARRIED_TYPES],
    },
  };
}

/** The smallest rule id not in use. */
export function nextRuleId(used: Iterable<number>): number {
  const taken = new Set(used);
  let id = 1;
  while (taken.has(id)) id++;
  return id;
}

/** The match pattern for a host permission or content script on `origin` (ports ignored). */
export function originPattern(origin: string): string | undefined {
  const exact = exactOrigin(origin);
  if (!exact) return undefined;
  const url = new URL(exact);
  return `${url.protocol}//${url.hostname}/*`;
}
