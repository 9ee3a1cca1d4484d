/**
 * Bearer tokens for the CLI and the extension: issued to a person signed in through the portal,
 * short-lived (12 h at most), revocable, audited. The token is `jgt_` + 256 random bits; only its
 * SHA-256 is stored, and a lookup by that hash is the whole check, so no secret is ever compared
 * in JavaScript and a stolen database holds nothing usable.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { SessionUser } from '../identity/session-user.js';
import type { Store } from '../store/types.js';
import type { TokenRecord } from '../identity/token-record.js';

export const TOKEN_PREFIX = 'jgt_';
export const MAX_TOKEN_TTL_MS = 12 * 3_600_000;
export const DEFAULT_TOKEN_TTL_MS = 3_600_000;
/** last_used_at is a hint for people, not a log: one write per minute per token is enough. */
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface TokenServiceDeps {
  store: Pick<Store, 'atomic' | 'tokens'>;
  audit: Pick<AuditLog, 'append'>;
  now: () => number;
}

export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  async issue(
    user: SessionUser,
    label: string | null,
    ttlMs: number,
    /** The step-up the person passed just before (CLI login with --step-up). */
    stepUpAt?: number,
  ): Promise<{ token: string; record: TokenRecord }> {
    const now = this.deps.now();
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      id: `tok_${randomBytes(12).toString('base64url')}`,
      userId: user.id,
      tokenHash: hashToken(token),
      label,
      user,
      createdAt: now,
      expiresAt: now + Math.min(ttlMs, MAX_TOKEN_TTL_MS),
      revokedAt: null,
      lastUsedAt: null,
      ...(stepUpAt !== undefined ? { stepUpAt } : {}),
    };
    await this.deps.store.atomic(async () => {
      await this.deps.store.tokens.insert(record);
      await this.deps.audit.append({
        code: 'token.issued',
        actor: user.id,
        target: record.id,
        data: {
          label,
          expiresAt: new Date(record.expiresAt).toISOString(),
          ...(stepUpAt !== undefined ? { stepUpAt: new Date(stepUpAt).toISOString() } : {}),
        },
      });
    });
    return { token, record };
  }

  /** The live token `presented` names, or undefined (unknown, expired, revoked). */
  async verify(presented: string): Promise<TokenRecord | undefined> {
    if (!presented.startsWith(TOKEN_PREFIX) || presented.length > 128) return undefined;
    const record = await this.deps.store.tokens.findByHash(hashToken(presented));
    const now = this.deps.now();
    if (!record || !this.isLive(record, now)) return undefined;
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_EVERY_MS) {
      // A failed touch loses only the hint; the call itself goes on.
      await this.deps.store.tokens.touch(record.id, now).catch(() => undefined);
    }
    return record;
  }

  /** Whether the token is still usable now (for streams that outlive the request). */
  async stillLive(id: string): Promise<boolean> {
    const record = await this.deps.store.tokens.get(id);
    return record !== undefined && this.isLive(record, this.deps.now());
  }

  /** Revokes a token and records it; resolves false when it was revoked already. */
  revoke(record: TokenRecord, actor: string): Promise<boolean> {
    return this.deps.store.atomic(async () => {
      if (!(await this.deps.store.tokens.revoke(record.id, this.deps.now()))) return false;
      await this.deps.audit.append({
        code: 'token.revoked',
        actor,
        target: record.id,
        data: { user: record.userId, label: record.label },
      });
      return true;
    });
  }

  private isLive(record: TokenRecord, now: number): boolean {
    return record.revokedAt === null && now < record.expiresAt;
  }
}
