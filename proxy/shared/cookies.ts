/** Reading one cookie from a request, for the gateway's hot path and the SAML login. */
import type { IncomingMessage } from 'node:http';

/** Finds one cookie by name without parsing the whole header (this runs on every request). */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  let from = 0;
  while (from < header.length) {
    const at = header.indexOf(name + '=', from);
    if (at === -1) return undefined;
    const boundary = at === 0 || header[at - 1] === ' ' || header[at - 1] === ';';
    const start = at + name.length + 1;
    if (boundary) {
      const end = header.indexOf(';', start);
      return header.slice(start, end === -1 ? undefined : end).trim();
    }
    from = start;
  }
  return undefined;
}
