/**
 * Post-login redirects: only to paths of the portal or origins of the apps jitgate fronts.
 * Everything else, including tricks browsers normalise (`//evil`, `/\evil`, `/%5cevil`, tabs and
 * newlines inside the scheme, `/..//evil`), falls back to the portal's home.
 *
 * Encoded slashes are refused in the path, where a server that decodes them would read
 * `/%2f%2fevil` as `//evil`, but not in the query: every return address that carries another
 * one (`/auth/app?rd=http%3A%2F%2Fpayroll…`, the CLI's `/cli/authorize?redirect_uri=…`) has
 * them there. A nested `rd` is held to the same rules, so a portal path cannot smuggle a target
 * this check would refuse to the route that redirects next.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
const CONTROL = /[\u0000-\u001f\u007f\\]|%09|%0a|%0d/i;
const PATH_TRICKS = /%5c|%2f%2f/i;
const MAX_LENGTH = 2048;
/** How deep return addresses may nest (`/auth/login?rd=/auth/app?rd=<app>` is two). */
const MAX_NESTING = 4;

export interface RedirectPolicy {
  /** The portal origin, e.g. "http://localhost:8080". */
  portalOrigin: string;
  /** Returns whether an origin belongs to an app jitgate fronts. */
  isAppOrigin(origin: string): boolean;
}

/** Returns a safe redirect target for `raw`, or undefined when it is not allowed. */
export function checkRedirect(raw: unknown, policy: RedirectPolicy): string | undefined {
  return check(raw, policy, 0);
}

function check(raw: unknown, policy: RedirectPolicy, depth: number): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return undefined;
  if (CONTROL.test(raw)) return undefined;
  const pathPart = raw.split(/[?#]/, 1)[0] ?? '';
  if (PATH_TRICKS.test(pathPart)) return undefined;
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
    if (path.startsWith('//')) return undefined;
    return nestedAllowed(url, policy, depth) ? path : undefined;
  }
  if (relative) return undefined;
  return policy.isAppOrigin(url.origin) ? url.href : undefined;
}

/** Every `rd` a portal path carries must pass on its own. */
function nestedAllowed(url: URL, policy: RedirectPolicy, depth: number): boolean {
  const nested = url.searchParams.getAll('rd');
  if (nested.length === 0) return true;
  if (depth + 1 >= MAX_NESTING) return false;
  return nested.every((rd) => check(rd, policy, depth + 1) !== undefined);
}

export function safeRedirect(raw: unknown, policy: RedirectPolicy, fallback = '/'): string {
  return checkRedirect(raw, policy) ?? fallback;
}
