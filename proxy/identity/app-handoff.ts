/**
 * One-time codes that carry a logged-in portal session to an app host: the portal issues one,
 * redirects to `<app origin>/.jitgate/auth?code=…`, and the gateway redeems it once, for that
 * origin only, within a minute, then sets the app cookie.
 */
import { randomBytes } from 'node:crypto';

interface Handoff {
  sid: string;
  origin: string;
  path: string;
  expiresAt: number;
}

export class AppHandoff {
  private readonly codes = new Map<string, Handoff>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 60_000,
  ) {}

  issue(sid: string, origin: string, path: string): string {
    this.sweep();
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { sid, origin, path, expiresAt: this.now() + this.ttlMs });
    return code;
  }

  redeem(code: string, origin: string): { sid: string; path: string } | undefined {
    const handoff = this.codes.get(code);
    this.codes.delete(code);
    if (!handoff || handoff.origin !== origin || handoff.expiresAt <= this.now()) return undefined;
    return { sid: handoff.sid, path: handoff.path };
  }

  private sweep() {
    const now = this.now();
    for (const [code, handoff] of this.codes) if (handoff.expiresAt <= now) this.codes.delete(code);
  }
}
