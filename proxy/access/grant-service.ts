/**
 * Creating and ending grants: the store is the record, the grant book the live view. This is the
 * minimal admin path (`jitgate grant` / `jitgate revoke`); the request and approval workflow
 * builds on it. Each change commits with its audit event (or not at all); the book and the event
 * listeners hear of it after the commit.
 */
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import { JitgateError, notFound } from '../shared/errors.js';
import type { GrantRecord, Store, UserRecord } from '../store/types.js';
import type { AccessEvents } from './events.js';
import type { GrantBook } from './grant-book.js';
import type { PendingRevocations } from './pending-revocations.js';

export interface GrantServiceOptions {
  store: Store;
  book: GrantBook;
  audit: Pick<AuditLog, 'append'>;
  events: AccessEvents;
  /** Where an end waits when the store cannot take it (the end holds anyway). */
  revocations: PendingRevocations;
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
    const { store, audit, book, events } = this.options;
    await store.atomic(async () => {
      await store.grants.insert(grant);
      await audit.append({
        code: 'grant.started',
        actor: input.actor,
        target: grant.resourceId,
        reason: grant.reason,
        data: { grant: grant.id, user: user.id, startsAt: grant.startsAt, endsAt: grant.endsAt },
      });
    });
    book.put(grant);
    events.emit({ type: 'grant.started', grant });
    return grant;
  }

  /** Revoking twice is harmless: the first revoker and time stay, and only the first is audited. */
  async revoke(id: string, actor: string): Promise<GrantRecord> {
    const { store, book, events, revocations } = this.options;
    const before = await store.grants.get(id);
    if (!before) throw notFound('unknown_grant', `no grant "${id}"`);
    const wasLive = before.revokedAt === null && before.endsAt > this.options.now();
    const { grant, first } = await revocations.end(before, {
      actor,
      code: 'grant.revoked',
      reason: null,
    });
    book.put(grant);
    // An already expired grant ended before: its listeners heard that from the book's sweep.
    if (first && wasLive) events.emit({ type: 'grant.ended', grant, end: 'revoked' });
    return grant;
  }

  listForUser(userId: string): Promise<GrantRecord[]> {
    return this.options.store.grants.listForUser(userId);
  }
}
