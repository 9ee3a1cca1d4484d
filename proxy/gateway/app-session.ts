/** Reads the app-host cookie from a request and returns the portal session id it names. */
import type { IncomingMessage } from 'node:http';
import { verifyAppCookie } from '../identity/app-cookie.js';

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

export class AppSessionReader {
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly cookieName: string,
    private readonly secrets: () => readonly string[],
    private readonly maxCached = 20_000,
  ) {}

  sessionId(req: IncomingMessage, host: string): string | undefined {
    const value = readCookie(req, this.cookieName);
    if (!value || value.length > 512) return undefined;
    const cacheKey = `${host}\0${value}`;
    const known = this.verified.get(cacheKey);
    if (known) return known;
    const sid = verifyAppCookie(value, host, this.secrets());
    if (sid) {
      if (this.verified.size >= this.maxCached) this.verified.clear();
      this.verified.set(cacheKey, sid);
    }
    return sid;
  }
}
