/**
 * Creating and ending grants: the store is the record, the grant book the live view. This is the
 * minimal admin path (`jitgate grant` / `jitgate revoke`); the request and approval workflow
 * builds on it.
 */
import { randomBytes } from 'node:crypto';
import { JitgateError, notFound } from '../shared/errors.js';
import type { GrantRecord, Store, UserRecord } from '../store/types.js';
import type { GrantBook } from './grant-book.js';

export interface GrantServiceOptions {
  store: Store;
  book: GrantBook;
  now: () => number;
  resourceExists: (id: string) => boolean;
}

export interface AdminGrantInput {
  user: string;
  resource: string;
  durationMs: number;
  reason?: string | undefined;
  actor: string;
}

export const MIN_ADMIN_GRANT_MS = 1_000;
export const MAX_ADMIN_GRANT_MS = 7 * 86_400_000;

export const newGrantId = () => `grt_${randomBytes(12).toString('base64url')}`;

export class GrantService {
  constructor(private readonly options: GrantServiceOptions) {}

  /** Loads live grants into the book; call once at start-up. */
  async load(): Promise<number> {
    const grants = await this.options.store.grants.listLive(this.options.now());
    grants.forEach((grant) => this.options.book.put(grant));
    return grants.length;
  }

  async resolveUser(name: string): Promise<UserRecord> {
    const users = await this.options.store.users.findByName(name);
    if (users.length === 0)
      throw notFound(
        'unknown_user',
        `no user "${name}" (a person appears after their first login)`,
      );
    if (users.length > 1)
      throw new JitgateError(
        409,
        'ambiguous_user',
        `"${name}" names several users; use the user id`,
      );
    return users[0] as UserRecord;
  }

  async grant(input: AdminGrantInput): Promise<GrantRecord> {
    if (!this.options.resourceExists(input.resource))
      throw notFound('unknown_resource', `no resource "${input.resource}"`);
    if (
      !Number.isFinite(input.durationMs) ||
      input.durationMs < MIN_ADMIN_GRANT_MS ||
      input.durationMs > MAX_ADMIN_GRANT_MS
    )
      throw new JitgateError(400, 'invalid_duration', 'duration must be between 1s and 7d');
    const user = await this.resolveUser(input.user);
    const now = this.options.now();
    const grant: GrantRecord = {
      id: newGrantId(),
      userId: user.id,
      resourceId: input.resource,
      startsAt: now,
      endsAt: now + input.durationMs,
      reason: input.reason ?? null,
      createdBy: input.actor,
      createdAt: now,
      revokedAt: null,
      revokedBy: null,
    };
    await this.options.store.grants.insert(grant);
    this.options.book.put(grant);
    return grant;
  }

  async revoke(id: string, actor: string): Promise<GrantRecord> {
    const grant = await this.options.store.grants.revoke(id, actor, this.options.now());
    if (!grant) throw notFound('unknown_grant', `no grant "${id}"`);
    this.options.book.put(grant);
    return grant;
  }

  listForUser(userId: string): Promise<GrantRecord[]> {
    return this.options.store.grants.listForUser(userId);
  }
}
