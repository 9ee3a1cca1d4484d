/** A bearer token as stored, and the repository contract every store backend implements. */
import type { SessionUser } from './session-user.js';

export interface TokenRecord {
  /** "tok_…": names the token in the audit log and in lists; not a secret. */
  id: string;
  userId: string;
  /** SHA-256 hex of the token; the token itself is shown once and never stored. */
  tokenHash: string;
  label: string | null;
  /** The identity at issue time: a token acts with the groups its owner had then. */
  user: SessionUser;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
  /**
   * When its owner passed the MFA step-up the token was issued after (`jitgate login
   * --step-up`): it counts as fresh for `mfa.stepUpFreshness` from then, like a session's.
   * Absent: the token never carries a step-up.
   */
  stepUpAt?: number;
}

export interface TokenRepository {
  insert(token: TokenRecord): Promise<void>;
  get(id: string): Promise<TokenRecord | undefined>;
  findByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  /** Marks a token revoked once; resolves whether this call revoked it. */
  revoke(id: string, at: number): Promise<boolean>;
  /** Revokes every unrevoked token of a person at once; returns the ids it revoked. */
  revokeForUser(userId: string, at: number): Promise<string[]>;
  touch(id: string, at: number): Promise<void>;
}
