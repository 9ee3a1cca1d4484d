/**
 * Where a credential may go, decided by small pure predicates (the model is bitwarden's
 * extension). Each answers "yes" only when every condition is positively met: anything missing,
 * malformed or merely similar is "no". Origins are compared whole — scheme, host and port —
 * after the URL parser normalised them, never by prefix or by host name alone.
 */
import type { MessageSender, TabView } from './browser.js';

/** The exact origin of an http(s) URL without embedded credentials; else undefined. */
export function exactOrigin(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length === 0 || url.length > 2048) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return undefined;
  return parsed.origin;
}

/** Whether `url` is on exactly `origin` (scheme, host, port). */
export function isOnOrigin(url: unknown, origin: unknown): boolean {
  const actual = exactOrigin(url);
  return actual !== undefined && typeof origin === 'string' && actual === exactOrigin(origin);
}

/** The path of an http(s) URL, or undefined. */
function pathOf(url: unknown): string | undefined {
  if (exactOrigin(url) === undefined) return undefined;
  return new URL(url as string).pathname;
}

/** The extension's own origin from its base URL, e.g. chrome-extension://<id>. */
function extensionOrigin(extensionBase: string): string | undefined {
  try {
    const url = new URL(extensionBase);
    const ours = url.protocol === 'chrome-extension:' || url.protocol === 'moz-extension:';
    return ours && url.host !== '' ? `${url.protocol}//${url.host}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A message from one of the extension's own pages (popup, options, callback): our id, and a URL
 * on our own origin. Content scripts share our id but run on web pages: their URL is not ours.
 */
export function isExtensionPage(
  sender: MessageSender | undefined,
  extensionId: string,
  extensionBase: string,
): boolean {
  const ours = extensionOrigin(extensionBase);
  if (!sender || !ours || !extensionId || sender.id !== extensionId) return false;
  if (typeof sender.url !== 'string') return false;
  try {
    const url = new URL(sender.url);
    return `${url.protocol}//${url.host}` === ours;
  } catch {
    return false;
  }
}

/** Only the callback page may finish a sign-in. */
export function isCallbackPage(
  sender: MessageSender | undefined,
  extensionId: string,
  extensionBase: string,
): boolean {
  if (!isExtensionPage(sender, extensionId, extensionBase)) return false;
  const url = new URL(sender?.url ?? '');
  return url.pathname === '/callback.html';
}

/**
 * A message from our content script in the top frame of a tab on exactly `appOrigin`. Frames
 * (frameId ≠ 0), other extensions and pages elsewhere are refused.
 */
export function isAppTopFrame(
  sender: MessageSender | undefined,
  extensionId: string,
  appOrigin: string | null | undefined,
): boolean {
  if (!sender || !extensionId || sender.id !== extensionId) return false;
  if (sender.frameId !== 0 || typeof sender.tab?.id !== 'number') return false;
  return typeof appOrigin === 'string' && isOnOrigin(sender.url, appOrigin);
}

/** The page the gateway serves on every app host for the extension's Open (gateway/app-gateway.ts). */
export const OPEN_PATH = '/.jitgate/open';

/** Whether the page that asks is an app's open page: our content script, its top frame, exactly. */
export function isAppOpenPage(
  sender: MessageSender | undefined,
  extensionId: string,
  appOrigin: string | null | undefined,
): boolean {
  return isAppTopFrame(sender, extensionId, appOrigin) && pathOf(sender?.url) === OPEN_PATH;
}

/**
 * Whether the per-grant login may be filled into the page that asks: our content script, top
 * frame, exactly the app's origin, exactly its login path, and a live grant.
 */
export function mayFillLogin(
  sender: MessageSender | undefined,
  extensionId: string,
  target: { origin: string | null; loginPath: string | null; live: boolean },
): boolean {
  if (!target.live || !target.loginPath || !target.origin) return false;
  if (!isAppTopFrame(sender, extensionId, target.origin)) return false;
  return pathOf(sender?.url) === target.loginPath;
}

/** Whether a session credential may be carried to `origin` for a grant ending at `endsAt`. */
export function mayCarryCredential(
  credential: { origin: unknown; header: unknown; expiresAt: number },
  grant: { origin: string | null; endsAt: number | null },
  now: number,
): boolean {
  if (grant.origin === null || grant.endsAt === null || grant.endsAt <= now) return false;
  if (!(credential.expiresAt > now)) return false;
  if (typeof credential.header !== 'string' || !/^x-jitgate-[a-z-]{1,40}$/i.test(credential.header))
    return false;
  const origin = exactOrigin(credential.origin);
  return (
    origin !== undefined && origin === credential.origin && origin === exactOrigin(grant.origin)
  );
}

/**
 * The tabs a credential for `origin` may ride in: those whose committed document is at exactly
 * that origin (scheme, host, port), and fresh tabs that have no document yet and are loading the
 * app (the one Open creates). A tab showing anything else — the same host on another port or
 * scheme included — is not one, and neither is a tab whose address we may not see.
 */
export function appTabIds(tabs: readonly TabView[], origin: string): number[] {
  const app = exactOrigin(origin);
  if (app === undefined) return [];
  const ids = tabs
    .filter((tab) => Number.isInteger(tab.id) && tab.id >= 0)
    .filter((tab) =>
      tab.url ? isOnOrigin(tab.url, app) : tab.url === '' && isOnOrigin(tab.pendingUrl, app),
    )
    .map((tab) => tab.id);
  return [...new Set(ids)].sort((a, b) => a - b);
}
