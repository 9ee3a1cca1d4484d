/**
 * How the browser extension gets its own short-lived API token (docs/extension.md). jitgate is
 * the authorization server: a signed-in person confirms on /extension/connect, the extension's
 * callback page gets a one-time code (60 s, bound to its PKCE challenge and redirect URI) and
 * trades it for a `jgt_` token of one hour plus a refresh token. Refreshing rotates the refresh
 * token and revokes the previous access token; refresh ends with the login's absolute lifetime
 * (`session.maxAge` from the IdP login). Codes and refresh tokens live in memory only (hashed):
 * after a restart the extension asks the person to connect again.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SessionUser } from '../identity/session-user.js';
import { badRequest } from '../shared/errors.js';
import type { TokenRecord } from '../identity/token-record.js';
import type { TokenService } from './token-service.js';

export const EXTENSION_TOKEN_TTL_MS = 3_600_000;
const CODE_TTL_MS = 60_000;
const MAX_PENDING = 1000;
const MAX_REFRESH = 20_000;

const sha256 = (text: string, encoding: 'hex' | 'base64url' = 'hex') =>
  createHash('sha256').update(text).digest(encoding);

interface Pending {
  user: SessionUser;
  challenge: string;
  redirectUri: string;
  expiresAt: number;
}

interface Refreshable {
  user: SessionUser;
  redirectUri: string;
  expiresAt: number;
  tokenId: string;
}

export interface Issued {
  token: string;
  tokenId: string;
  expiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
}

export interface ExtensionLoginsDeps {
  tokens: Pick<TokenService, 'issue' | 'revoke'>;
  tokenRecord(id: string): Promise<TokenRecord | undefined>;
  /** `session.maxAge`: refreshing stops this long after the person's IdP login. */
  maxLifetimeMs: number;
  now: () => number;
}

const invalidGrant = () =>
  badRequest('invalid_grant', 'the code or refresh token is unknown, used or expired');

export class ExtensionLogins {
  private readonly codes = new Map<string, Pending>();
  private readonly refreshes = new Map<string, Refreshable>();

  constructor(private readonly deps: ExtensionLoginsDeps) {}

  /** A one-time code for the person who confirmed on the connect page. */
  issueCode(user: SessionUser, challenge: string, redirectUri: string): string {
    const now = this.deps.now();
    this.sweep(now);
    if (this.codes.size >= MAX_PENDING) throw badRequest('busy', 'too many connections under way');
    const code = randomBytes(24).toString('base64url');
    this.codes.set(sha256(code), { user, challenge, redirectUri, expiresAt: now + CODE_TTL_MS });
    return code;
  }

  async redeem(code: string, verifier: string, redirectUri: string): Promise<Issued> {
    const key = sha256(code);
    const pending = this.codes.get(key);
    this.codes.delete(key); // once, whatever happens next
    const valid =
      pending !== undefined &&
      pending.expiresAt > this.deps.now() &&
      pending.redirectUri === redirectUri &&
      sha256(verifier, 'base64url') === pending.challenge;
    if (!valid || !pending) throw invalidGrant();
    const lifetimeEnd = pending.user.loginAt + this.deps.maxLifetimeMs;
    return this.issue(pending.user, redirectUri, lifetimeEnd);
  }

  async refresh(refreshToken: string): Promise<Issued> {
    const key = sha256(refreshToken);
    const held = this.refreshes.get(key);
    this.refreshes.delete(key); // rotated: a refresh token works once
    if (!held || held.expiresAt <= this.deps.now()) throw invalidGrant();
    await this.revokeToken(held.tokenId, held.user.id);
    return this.issue(held.user, held.redirectUri, held.expiresAt);
  }

  /** Sign-out: the refresh tokens that lead to `tokenId` stop working. */
  forget(tokenId: string): void {
    for (const [key, held] of this.refreshes)
      if (held.tokenId === tokenId) this.refreshes.delete(key);
  }

  private async issue(
    user: SessionUser,
    redirectUri: string,
    lifetimeEnd: number,
  ): Promise<Issued> {
    const now = this.deps.now();
    if (lifetimeEnd <= now) throw invalidGrant();
    if (this.refreshes.size >= MAX_REFRESH) this.sweep(now);
    const ttl = Math.min(EXTENSION_TOKEN_TTL_MS, lifetimeEnd - now);
    const { token, record } = await this.deps.tokens.issue(user, 'jitgate extension', ttl);
    const refreshToken = `jgr_${randomBytes(32).toString('base64url')}`;
    this.refreshes.set(sha256(refreshToken), {
      user,
      redirectUri,
      expiresAt: lifetimeEnd,
      tokenId: record.id,
    });
    return {
      token,
      tokenId: record.id,
      expiresAt: record.expiresAt,
      refreshToken,
      refreshExpiresAt: lifetimeEnd,
    };
  }

  private async revokeToken(id: string, actor: string) {
    const record = await this.deps.tokenRecord(id);
    if (record && record.revokedAt === null) await this.deps.tokens.revoke(record, actor);
  }

  private sweep(now: number) {
    for (const [k, p] of this.codes) if (p.expiresAt <= now) this.codes.delete(k);
    for (const [k, r] of this.refreshes) if (r.expiresAt <= now) this.refreshes.delete(k);
  }
}
