/**
 * Answers the gateway gives itself, marked with `X-Jitgate-Error` so nobody mistakes them for the
 * app's. Browser navigations get pages; API calls and XHR get JSON with a stable code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode, StatusOf } from '../shared/error-codes.js';
import { html, page, PAGE_CSP } from '../shared/html.js';
import { isNavigation } from '../shared/navigation.js';

/** `open` marks the extension's entry page, which is not a refusal; the rest are error codes. */
function send(
  res: ServerResponse,
  status: number,
  code: ErrorCode | 'open',
  contentType: string,
  body: string,
) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-jitgate-error': code,
    'x-content-type-options': 'nosniff',
    ...(contentType.startsWith('text/html') ? { 'content-security-policy': PAGE_CSP } : {}),
  });
  res.end(body);
}

/** A JSON refusal; the code and its status must go together in the error-code table. */
export function sendJsonError<C extends ErrorCode>(
  res: ServerResponse,
  status: StatusOf<C>,
  code: C,
  message: string,
  extra: object = {},
) {
  send(
    res,
    status,
    code,
    'application/json; charset=utf-8',
    JSON.stringify({ error: { code, message, ...extra } }),
  );
}

export function redirect(res: ServerResponse, location: string) {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

export interface ResourceLabel {
  id: string;
  name: string;
}

/** 403: logged in, but no live grant for this resource. The page offers "Request access". */
export function sendNoGrant(
  req: IncomingMessage,
  res: ServerResponse,
  resource: ResourceLabel,
  requestUrl: string,
) {
  const message = `You have no live grant for ${resource.name}.`;
  if (!isNavigation(req))
    return sendJsonError(res, 403, 'no_grant', message, { resource: resource.id, requestUrl });
  const body = html`<h1>No access to ${resource.name}</h1>
    <p>${message} Access is just in time: ask for it with a reason, and it ends by itself.</p>
    <p><a class="button" id="jitgate-request-access" href="${requestUrl}">Request access</a></p>
    <p class="muted">Resource <code>${resource.id}</code></p>`;
  const head = html`<meta
    name="jitgate-denied"
    content="${resource.id}"
    data-request-url="${requestUrl}"
  />`;
  send(
    res,
    403,
    'no_grant',
    'text/html; charset=utf-8',
    page(`No access to ${resource.name}`, body, head),
  );
}

/**
 * The extension's entry to an app (`/.jitgate/open`): no access needed, no state, and always to
 * the app's home page, so a link from another site cannot aim the app's own navigation anywhere.
 * The extension's app script continues to `/` once the credential rule covers this tab (a refresh
 * of its own could leave before the rule is in, and arrive without the credential); that
 * navigation is the app's own, so the credential rides along. Without the script, "Continue".
 */
export function sendOpenPage(res: ServerResponse, resource: ResourceLabel) {
  const head = html`<meta name="jitgate-open" content="/" />`;
  const body = html`<h1>Opening ${resource.name}…</h1>
    <p><a href="/">Continue to ${resource.name}</a></p>`;
  send(res, 200, 'open', 'text/html; charset=utf-8', page(`Opening ${resource.name}`, body, head));
}

/**
 * 400: a handoff code that is unknown, used, expired, for another app, or (the point of the
 * binding) started in another browser. Nothing is set; "Continue" starts a handoff of this
 * browser's own, which signs it in as whoever this browser is signed in as at the portal.
 */
export function sendHandoffRefused(
  req: IncomingMessage,
  res: ServerResponse,
  resource: ResourceLabel,
  startUrl: string,
) {
  const message =
    'This sign-in link is not valid here: it was used, it expired, or it was started in another browser.';
  if (!isNavigation(req))
    return sendJsonError(res, 400, 'handoff_refused', message, { loginUrl: startUrl });
  const body = html`<h1>Sign-in link refused</h1>
    <p>${message} Nothing was changed.</p>
    <p><a class="button" href="${startUrl}">Continue to ${resource.name}</a></p>`;
  send(res, 400, 'handoff_refused', 'text/html; charset=utf-8', page('Link refused', body));
}

export function sendUpstreamDown(
  req: IncomingMessage,
  res: ServerResponse,
  resource: ResourceLabel,
) {
  const message = `${resource.name} is not answering right now. jitgate is fine; try again shortly.`;
  if (!isNavigation(req)) return sendJsonError(res, 502, 'upstream_unavailable', message);
  const body = html`<h1>${resource.name} is unreachable</h1>
    <p>${message}</p>`;
  send(res, 502, 'upstream_unavailable', 'text/html; charset=utf-8', page('Bad gateway', body));
}

/**
 * 503: jitgate cannot decide now (store unreachable, or this replica's grant book may be stale);
 * `requestId` finds its log line (and is echoed to the client).
 */
export function sendServiceUnavailable(
  res: ServerResponse,
  requestId: string,
  code: 'store_unavailable' | 'grant_book_stale' = 'store_unavailable',
  message = 'jitgate cannot check access right now; try again shortly',
) {
  if (!res.headersSent) res.setHeader('x-request-id', requestId);
  sendJsonError(res, 503, code, message);
}
