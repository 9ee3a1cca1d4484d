/**
 * The OIDC login transaction (state, nonce, PKCE verifier, IdP, return address) between
 * /auth/login and /auth/callback, kept in the browser, not on the server: one cookie per open
 * login (`<cookieName>_login_<state>`, `__Host-` on https: cookie-names.ts; several tabs may sign
 * in at once), encrypted and authenticated with AES-256-GCM under a key derived from the proxy's
 * secret, bound to its own name (its state), HttpOnly, and alive ten minutes. A client without a session
 * therefore leaves nothing on the server however often it starts a sign-in, and any replica can
 * finish a login another one started. The callback clears the cookie whatever its outcome; the
 * IdP's code works once, so a replayed callback fails there even with a copy of the cookie.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { purposeKey } from '../shared/signed-claims.js';
import type { LoginChecks } from './oidc-client.js';
import type { LoginTransaction } from './session-types.js';

export const LOGIN_TTL_MS = 10 * 60_000;
/** Open logins per browser; starting one more forgets the oldest. */
export const MAX_OPEN_LOGINS = 5;
// `/`: a `__Host-` cookie must say so (it narrows nothing a person could rely on anyway).
const COOKIE_PATH = '/';
const STATE = /^[A-Za-z0-9_-]{20,100}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface LoginTransactionOptions {
  /** The proxy's session secret; the cookie key is derived from it. */
  secret: string;
  /** What each open login's cookie is named after (cookie-names.ts); its state follows. */
  cookiePrefix: string;
  secure: boolean;
  now: () => number;
}

const isChecks = (value: unknown): value is LoginChecks => {
  const c = value as Partial<LoginChecks> | null;
  return (
    typeof c?.state === 'string' &&
    typeof c.nonce === 'string' &&
    typeof c.codeVerifier === 'string'
  );
};

const isTransaction = (value: unknown): value is LoginTransaction => {
  const t = value as Partial<LoginTransaction> | null;
  return (
    typeof t?.idp === 'string' &&
    typeof t.returnTo === 'string' &&
    typeof t.startedAt === 'number' &&
    isChecks(t.checks)
  );
};

/** Every cookie of a request, by name (the first value of a repeated name wins). */
function cookiesOf(req: IncomingMessage): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!found.has(name)) found.set(name, part.slice(eq + 1).trim());
  }
  return found;
}

export class LoginTransactions {
  private readonly key: Buffer;
  private readonly prefix: string;

  constructor(private readonly options: LoginTransactionOptions) {
    this.key = purposeKey(options.secret, 'login-transaction');
    this.prefix = options.cookiePrefix;
  }

  /** Keeps `tx` in the browser, forgetting its oldest open logins beyond the cap. */
  start(req: IncomingMessage, res: Response, tx: LoginTransaction): void {
    const open = this.openLogins(req).sort((a, b) => a.startedAt - b.startedAt);
    for (const stale of open.slice(0, Math.max(0, open.length - (MAX_OPEN_LOGINS - 1))))
      this.clear(res, stale.name);
    const name = this.prefix + tx.checks.state;
    res.cookie(name, this.seal(name, tx), {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.options.secure,
      path: COOKIE_PATH,
      maxAge: LOGIN_TTL_MS,
    });
  }

  /** The open login of `state`, if this browser has it and it is fresh; its cookie is cleared. */
  take(
    req: IncomingMessage,
    res: Response,
    state: string | undefined,
  ): LoginTransaction | undefined {
    if (!state || !STATE.test(state)) return undefined;
    const name = this.prefix + state;
    const value = cookiesOf(req).get(name);
    if (value === undefined) return undefined;
    this.clear(res, name);
    const tx = this.open(name, value);
    const age = tx ? this.options.now() - tx.startedAt : Infinity;
    return tx && tx.checks.state === state && age >= 0 && age < LOGIN_TTL_MS ? tx : undefined;
  }

  /** Seals a transaction for the cookie `name` (exported for tests that forge a wrong one). */
  seal(name: string, tx: LoginTransaction): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(JSON.stringify(tx), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The transaction in a cookie value, or undefined when it is not one of ours for `name`. */
  open(name: string, value: string): LoginTransaction | undefined {
    if (value.length > 4096) return undefined;
    const raw = Buffer.from(value, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const body = raw.subarray(IV_BYTES + TAG_BYTES);
      const json = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      const tx: unknown = JSON.parse(json);
      return isTransaction(tx) ? tx : undefined;
    } catch {
      return undefined;
    }
  }

  private openLogins(req: IncomingMessage) {
    const open: { name: string; startedAt: number }[] = [];
    for (const [name, value] of cookiesOf(req)) {
      if (!name.startsWith(this.prefix)) continue;
      open.push({ name, startedAt: this.open(name, value)?.startedAt ?? 0 });
    }
    return open;
  }

  private clear(res: Response, name: string) {
    res.clearCookie(name, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.options.secure,
      path: COOKIE_PATH,
    });
  }
}
