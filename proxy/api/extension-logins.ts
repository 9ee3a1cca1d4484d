/**
 * How the browser extension gets its own short-lived API token (docs/extension.md). jitgate is
 * the authorization server: a signed-in person confirms on /extension/connect, the extension's
 * callback page gets a one-time code (60 s, bound to its PKCE challenge and redirect URI) and
 * trades it for a `jgt_` token of one hour plus a refresh token. Refreshing rotates the refresh
 * token and revokes the previous access token; refresh ends with the login's absolute lifetime
 * (`session.maxAge` from the IdP login), and with a sign-out: a refresh token whose access token
 * was revoked (sign-out, logout, an admin ending the person's sessions) is refused. Codes and
 * refresh tokens live in the store (hashed): they survive a restart and redeem once, on any
 * replica.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SessionUser } from '../identity/session-user.js';
import { badRequest } from '../shared/errors.js';
import { OneTimeCodes } from '../shared/one-time-codes.js';
import type { OneTimeCodeRepository, RateLimitRepository } from '../store/types.js';
import type { TokenRecord } from '../identity/token-record.js';
import type { TokenService } from './token-service.js';

export const EXTENSION_TOKEN_TTL_MS = 3_600_000;
const CODE_TTL_MS = 60_000;
const MAX_PENDING = 1000;
/** Per person and minute: a few connects, far below MAX_PENDING. */
const MAX_PENDING_PER_PERSON = 10;
const MAX_REFRESH = 20_000;

const s256 = (text: string) => createHash('sha256').update(text).digest('base64url');

interface Pending {
  user: SessionUser;
  challenge: string;
  redirectUri: string;
  /** The step-up the person passed for this sign-in (step_up=1), carried into its first token. */
  stepUpAt?: number;
}

interface Refreshable {
  user: SessionUser;
  redirectUri: string;
  /** The end of the login's lifetime: no refresh after it. */
  lifetimeEnd: number;
  tokenId: string;
}

const hasUser = (value: unknown): value is { user: SessionUser; redirectUri: string } => {
  const v = value as { user?: Partial<SessionUser>; redirectUri?: unknown } | null;
  return typeof v?.user?.id === 'string' && typeof v.redirectUri === 'string';
};
const isPending = (value: unknown): value is Pending =>
  hasUser(value) &&
  typeof (value as Partial<Pending>).challenge === 'string' &&
  ['undefined', 'number'].includes(typeof (value as Partial<Pending>).stepUpAt);
const isRefreshable = (value: unknown): value is Refreshable =>
  hasUser(value) &&
  typeof (value as Partial<Refreshable>).tokenId === 'string' &&
  typeof (value as Partial<Refreshable>).lifetimeEnd === 'number';

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
  /** Where codes and refresh tokens are kept. */
  codes: OneTimeCodeRepository;
  /** Counts the codes each person starts (OneTimeCodes' perOwner). */
  counters: RateLimitRepository;
  /** `session.maxAge`: refreshing stops this long after the person's IdP login. */
  maxLifetimeMs: number;
  now: () => number;
}

const invalidGrant = () =>
  badRequest('invalid_grant', 'the code or refresh token is unknown, used or expired');

export class ExtensionLogins {
  private readonly codes: OneTimeCodes<Pending>;
  private readonly refreshes: OneTimeCodes<Refreshable>;

  constructor(private readonly deps: ExtensionLoginsDeps) {
    const common = { repo: deps.codes, now: deps.now };
    this.codes = new OneTimeCodes({
      ...common,
      kind: 'extension-login',
      ttlMs: CODE_TTL_MS,
      max: MAX_PENDING,
      perOwner: { max: MAX_PENDING_PER_PERSON, counters: deps.counters },
      parse: (value) => (isPending(value) ? value : undefined),
    });
    this.refreshes = new OneTimeCodes({
      ...common,
      kind: 'extension-refresh',
      ttlMs: deps.maxLifetimeMs,
      max: MAX_REFRESH,
      parse: (value) => (isRefreshable(value) ? value : undefined),
    });
  }

  /** A one-time code for the person who confirmed on the connect page. */
  issueCode(
    user: SessionUser,
    challenge: string,
    redirectUri: string,
    stepUpAt?: number,
  ): Promise<string> {
    const pending: Pending = { user, challenge, redirectUri };
    if (stepUpAt !== undefined) pending.stepUpAt = stepUpAt;
    return this.codes.issue(pending, user.id);
  }

  /** Ends a code that was issued but never handed out. */
  async dropCode(code: string): Promise<void> {
    await this.codes.redeem(code);
  }

  async redeem(code: string, verifier: string, redirectUri: string): Promise<Issued> {
    // Once, whatever happens next; the token is handed out only if no sign-out took the code.
    const bought = await this.codes.redeemFor(
      code,
      (pending) => pending.redirectUri === redirectUri && s256(verifier) === pending.challenge,
      (pending) => {
        const lifetimeEnd = pending.user.loginAt + this.deps.maxLifetimeMs;
        return this.issued(pending.user, redirectUri, lifetimeEnd, pending.stepUpAt);
      },
      (unsold) => this.withdraw(unsold),
    );
    if (!bought) throw invalidGrant();
    return bought.issued;
  }

  async refresh(refreshToken: string): Promise<Issued> {
    const held = await this.refreshes.redeem(refreshToken); // rotated: it works once
    if (!held) throw invalidGrant();
    // Revoked means signed out (or ended by a logout or an admin): nothing to renew.
    const record = await this.deps.tokenRecord(held.tokenId);
    if (!record || record.revokedAt !== null) throw invalidGrant();
    // The new token is written first and handed out only if this refresh is what ends the old
    // one. A sign-out that revokes the person's tokens (an admin ending all of them, on any
    // replica) while the refresh runs either ends the old token first, and the new one is
    // dropped unseen, or comes after the new token was written, and ends it too.
    const renewed = await this.issued(held.user, held.redirectUri, held.lifetimeEnd);
    if (await this.deps.tokens.revoke(record, held.user.id)) return renewed.issued;
    await this.withdraw(renewed);
    throw invalidGrant();
  }

  /** Ends a token and its refresh token that were written but never handed out. */
  private async withdraw(unsold: { issued: Issued; record: TokenRecord }) {
    await this.deps.tokens.revoke(unsold.record, unsold.record.userId);
    await this.refreshes.redeem(unsold.issued.refreshToken);
  }

  /** A new token and its refresh token; with the token's record. */
  private async issued(
    user: SessionUser,
    redirectUri: string,
    lifetimeEnd: number,
    stepUpAt?: number,
  ): Promise<{ issued: Issued; record: TokenRecord }> {
    const now = this.deps.now();
    if (lifetimeEnd <= now) throw invalidGrant();
    const ttl = Math.min(EXTENSION_TOKEN_TTL_MS, lifetimeEnd - now);
    // A refreshed token carries no step-up: the step-up was for the sign-in that asked for it.
    const { token, record } = await this.deps.tokens.issue(
      user,
      'jitgate extension',
      ttl,
      stepUpAt,
    );
    const refreshToken = `jgr_${randomBytes(32).toString('base64url')}`;
    await this.refreshes.put(
      refreshToken,
      { user, redirectUri, lifetimeEnd, tokenId: record.id },
      user.id,
      lifetimeEnd - now,
    );
    const issued = {
      token,
      tokenId: record.id,
      expiresAt: record.expiresAt,
      refreshToken,
      refreshExpiresAt: lifetimeEnd,
    };
    return { issued, record };
  }
}
