/**
 * Whether a request is a person going to a page or a page's own background request (a script's
 * fetch, a subresource). Gateway answers (a page or JSON) and the portal's one-shot flash (shown
 * on the page a person lands on, never to a script's re-fetch) both ask here.
 */
import type { IncomingMessage } from 'node:http';

/** Said by the browser (fetch metadata) or by the script itself (`X-Requested-With`). */
export function isBackgroundRequest(req: IncomingMessage): boolean {
  const mode = req.headers['sec-fetch-mode'];
  if (mode !== undefined) return mode !== 'navigate';
  return req.headers['x-requested-with'] !== undefined;
}

/** A browser navigation, which deserves a page or a redirect; without fetch metadata, HTML asked. */
export function isNavigation(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (isBackgroundRequest(req)) return false;
  return (
    req.headers['sec-fetch-mode'] === 'navigate' || (req.headers.accept ?? '').includes('text/html')
  );
}
