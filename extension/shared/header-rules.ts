/**
 * The declarativeNetRequest session rule that carries a grant's session credential: set one
 * header on requests to exactly the app's origin (an anchored URL prefix fixes scheme, host and
 * port; requestDomains alone would also match subdomains), and only when the app's own host
 * started the request. Requests started by any other site — cross-site form posts, fetches,
 * iframes — and navigations without an initiator never match; the extension enters the app
 * through the app's own `/.jitgate/open` page, whose navigation is the app's.
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

/** Rule ids are small positive integers; 0 and anything else are refused by the browser. */
export const isRuleId = (id: number) => Number.isInteger(id) && id >= 1 && id < 2 ** 31;

/** The rule for `origin`, or undefined when anything about the input is doubtful. */
export function buildHeaderRule(
  id: number,
  credential: { origin: string; header: string; value: string },
): HeaderRule | undefined {
  const origin = exactOrigin(credential.origin);
  if (!isRuleId(id) || origin === undefined || origin !== credential.origin) return undefined;
  if (!/^x-jitgate-[a-z-]{1,40}$/i.test(credential.header)) return undefined;
  if (!/^[\x21-\x7e]{16,4096}$/.test(credential.value)) return undefined;
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
