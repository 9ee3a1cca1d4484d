/** Reads the app-host cookie from a request and returns the portal session id it names. */
import type { IncomingMessage } from 'node:http';
import { verifyAppCookie } from '../identity/app-cookie.js';
import { readCookie } from '../shared/cookies.js';

export { readCookie };

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
