/**
 * Builds the headers an app receives: strip, then inject. Every incoming copy of an identity
 * header (any case, `_` or `-`), hop-by-hop headers and jitgate's own cookies are removed before
 * the real identity is set, so nothing a client sends can pass for what jitgate asserts.
 */
import { newCookieSpan, nextCookie, setCookieName } from '../shared/cookies.js';

/** Header names jitgate or common identity-aware proxies use to carry identity. */
const BUILT_IN_IDENTITY_HEADERS = [
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-groups',
  'x-forwarded-preferred-username',
  'x-forwarded-access-token',
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-preferred-username',
  'x-auth-request-access-token',
  'x-remote-user',
  'remote-user',
  'x-webauth-user',
  'x-user',
  'x-email',
  // The extension's per-grant session credential (grant-credentials.ts) is for jitgate only.
  'x-jitgate-grant-credential',
];

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus ones the upstream client manages itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings',
]);

const FORWARDING = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
]);

/** Canonical form used to compare header names: lower case, `_` read as `-`. */
export const canonicalHeaderName = (name: string) => name.toLowerCase().replaceAll('_', '-');

export interface HeaderRules {
  /** Canonical names to strip (identity headers, configured extras, injected names). */
  strip: ReadonlySet<string>;
  /** Cookie names jitgate owns; dropped from the Cookie header (compared case-insensitively by prefix). */
  cookiePrefixes: readonly string[];
  trustProxy: boolean;
}

export function buildHeaderRules(options: {
  assertionHeader: string;
  injectedHeaders: readonly string[];
  extraStrip: readonly string[];
  cookieName: string;
  trustProxy: boolean;
}): HeaderRules {
  const strip = new Set(
    [
      ...BUILT_IN_IDENTITY_HEADERS,
      options.assertionHeader,
      ...options.injectedHeaders,
      ...options.extraStrip,
    ].map(canonicalHeaderName),
  );
  // `__Host-<cookieName>`: every jitgate cookie on https (cookie-names.ts).
  const cookiePrefixes = [options.cookieName, `__Host-${options.cookieName}`, 'jitgate'];
  return { strip, cookiePrefixes, trustProxy: options.trustProxy };
}

/** Whether `name` starts with one of jitgate's cookie prefixes, in any case. */
function isOwnCookieName(name: string, prefixes: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return prefixes.some((prefix) => lower.startsWith(prefix.toLowerCase()));
}

/**
 * The Cookie header without jitgate's cookies, read pair by pair as the gateway reads its own
 * (shared/cookies.ts). A pair without "=" is judged by its whole text: some apps read it as a name.
 */
function withoutOwnCookies(value: string, prefixes: readonly string[]): string {
  let kept = '';
  const span = newCookieSpan();
  for (let from = 0; nextCookie(value, from, span); from = span.next + 1) {
    if (span.start === span.end) continue;
    if (isOwnCookieName(value.slice(span.start, span.nameEnd), prefixes)) continue;
    const pair = value.slice(span.start, span.end);
    kept = kept === '' ? pair : `${kept}; ${pair}`;
  }
  return kept;
}

export interface ForwardedFor {
  clientIp: string;
  proto: 'http' | 'https';
  host: string;
}

/**
 * Returns a flat [name, value, name, value, …] list for the upstream request. `inject` holds the
 * identity headers to set after stripping; `forwarded` describes the client connection.
 */
export function upstreamHeaders(
  rawHeaders: readonly string[],
  rules: HeaderRules,
  inject: readonly (readonly [string, string])[],
  forwarded: ForwardedFor,
): string[] {
  const connectionTokens = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? '').toLowerCase() === 'connection') {
      for (const token of (rawHeaders[i + 1] ?? '').split(','))
        connectionTokens.add(canonicalHeaderName(token.trim()));
    }
  }
  // Whatever is injected replaces every incoming copy, so it reaches the app exactly once. Host
  // is injected when the resource preserves it; otherwise the upstream client sets its own.
  const injected = new Set(inject.map(([name]) => canonicalHeaderName(name)));
  injected.add('host');
  const out: string[] = [];
  const priorForwardedFor: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const value = rawHeaders[i + 1] ?? '';
    const canonical = canonicalHeaderName(name);
    if (rules.strip.has(canonical) || canonical.startsWith('x-jitgate-')) continue;
    if (injected.has(canonical)) continue;
    if (HOP_BY_HOP.has(canonical) || connectionTokens.has(canonical)) continue;
    if (FORWARDING.has(canonical)) {
      // Repeated X-Forwarded-For lines form one list (RFC 9110 §5.3).
      if (rules.trustProxy && canonical === 'x-forwarded-for' && value.trim() !== '')
        priorForwardedFor.push(value.trim());
      continue;
    }
    if (canonical === 'cookie') {
      const kept = withoutOwnCookies(value, rules.cookiePrefixes);
      if (kept !== '') out.push(name, kept);
      continue;
    }
    out.push(name, value);
  }
  out.push(
    'x-forwarded-for',
    [...priorForwardedFor, forwarded.clientIp].join(', '),
    'x-forwarded-proto',
    forwarded.proto,
    'x-forwarded-host',
    forwarded.host,
  );
  for (const [name, value] of inject) out.push(name, value);
  return out;
}

/**
 * What the app may send back, the one filter for plain answers and WebSocket upgrade answers
 * alike: no hop-by-hop headers, no cookie that a browser would send back in jitgate's name, and
 * no `X-Jitgate-*` header (`X-Jitgate-Error` tells jitgate's answers apart from an app's).
 */
export function downstreamHeaders(
  headers: Record<string, string | string[] | undefined>,
  rules: HeaderRules,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const canonical = canonicalHeaderName(name);
    if (HOP_BY_HOP.has(canonical) || canonical.startsWith('x-jitgate-')) continue;
    if (canonical === 'set-cookie') {
      const cookies = (Array.isArray(value) ? value : [value]).filter(
        (cookie) => !isOwnCookieName(setCookieName(cookie), rules.cookiePrefixes),
      );
      if (cookies.length > 0) out[name] = cookies;
      continue;
    }
    out[name] = value;
  }
  return out;
}
