/**
 * Post-login redirects: only to paths of the portal or origins of the apps jitgate fronts.
 * Everything else, including tricks browsers normalise (`//evil`, `/\evil`, `/%5cevil`, tabs and
 * newlines inside the scheme, `/..//evil`), falls back to the portal's home.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
const SUSPICIOUS = /[\u0000-\u001f\u007f\\]|%5c|%2f%2f|%09|%0a|%0d/i;
const MAX_LENGTH = 2048;

export interface RedirectPolicy {
  /** The portal origin, e.g. "http://localhost:8080". */
  portalOrigin: string;
  /** Returns whether an origin belongs to an app jitgate fronts. */
  isAppOrigin(origin: string): boolean;
}

/** Returns a safe redirect target for `raw`, or undefined when it is not allowed. */
export function checkRedirect(raw: unknown, policy: RedirectPolicy): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return undefined;
  if (SUSPICIOUS.test(raw)) return undefined;
  const relative = raw.startsWith('/');
  if (relative ? raw.startsWith('//') : !/^https?:\/\/[^/]/i.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw, policy.portalOrigin);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.origin === policy.portalOrigin) {
    // Dot segments can collapse into "//host" ("/..//evil", "/%2e//evil"), which a browser
    // reads as another origin: refuse what normalises that way.
    const path = url.pathname + url.search + url.hash;
    return path.startsWith('//') ? undefined : path;
  }
  if (relative) return undefined;
  return policy.isAppOrigin(url.origin) ? url.href : undefined;
}

export function safeRedirect(raw: unknown, policy: RedirectPolicy, fallback = '/'): string {
  return checkRedirect(raw, policy) ?? fallback;
}
