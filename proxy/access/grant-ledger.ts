/**
 * The one way a grant starts and the one way it ends: the change and its audit event commit
 * together (or not at all), and only after the commit are the grant book (which cuts live
 * connections) and the event listeners told. An end is the one exception to "or not at all":
 * when the store cannot take it, it holds anyway and waits in pending-revocations.ts, which does
 * the end's write either way; the book and the listeners hear of it at once all the same. A
 * caller that writes more in the same transaction (the request service: the request's new state,
 * its own events) calls `insert` inside its `store.atomic` and `published` after it; `start` and
 * `finish` are the whole of it.
 */
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import { JitgateError, notFound } from '../shared/errors.js';
import type { GrantRecord, Store } from '../store/types.js';
import { endedInWords } from './access-state.js';
import type { AccessEvent, AccessEvents } from './events.js';
import type { GrantBook } from './grant-book.js';
import type { PendingRevocations } from './pending-revocations.js';

export interface GrantLedgerDeps {
  store: Store;
  book: GrantBook;
  audit: Pick<AuditLog, 'append'>;
  events: AccessEvents;
  /** Writes each end, or holds it when the store cannot take it (the end holds anyway). */
  revocations: Pick<PendingRevocations, 'end'>;
  now: () => number;
}

/**
 * A grant to start: the record's fields without its id and end state. `createdBy` is who allowed
 * it: an approver's id, "policy", or "admin-cli".
 */
export interface NewGrant extends Pick<
  GrantRecord,
  'userId' | 'resourceId' | 'startsAt' | 'endsAt' | 'reason' | 'createdBy' | 'breakGlass'
> {
  /** The request it answers, when there is one (recorded in the audit event). */
  request?: string;
  /** Why policy would not have given it (an admin's forced grant; recorded in the audit event). */
  outsidePolicy?: string;
}

/** Made to start later than it was made: its start is announced when it comes, not now. */
export const isScheduled = (grant: GrantRecord) => grant.startsAt > grant.createdAt;

export const newGrantId = () => `grt_${randomBytes(12).toString('base64url')}`;

export class GrantLedger {
  constructor(private readonly deps: GrantLedgerDeps) {}

  /**
   * Inside a transaction: the grant and its `grant.started` event, or `grant.scheduled` when it
   * starts later (its start is recorded and announced then: access-wiring.ts).
   */
  async insert(spec: NewGrant): Promise<GrantRecord> {
    const { request, outsidePolicy, ...fields } = spec;
    const grant: GrantRecord = {
      id: newGrantId(),
      ...fields,
      createdAt: this.deps.now(),
      revokedAt: null,
      revokedBy: null,
    };
    await this.deps.store.grants.insert(grant);
    await this.deps.audit.append({
      code: isScheduled(grant) ? 'grant.scheduled' : 'grant.started',
      actor: grant.createdBy,
      target: grant.resourceId,
      reason: grant.reason,
      data: {
        grant: grant.id,
        user: grant.userId,
        startsAt: grant.startsAt,
        endsAt: grant.endsAt,
        ...(request !== undefined ? { request } : {}),
        ...(outsidePolicy !== undefined ? { outsidePolicy } : {}),
        ...(grant.breakGlass ? { breakGlass: true } : {}),
      },
    });
    return grant;
  }

  /**
   * After the commit: the book admits the holder first, so whoever hears of the grant can use it;
   * then listeners hear the caller's own events of the same change, and `grant.started` when
   * the grant starts now (a scheduled one is announced by the book when its start comes).
   */
  published(grant: GrantRecord, ...alongside: AccessEvent[]): void {
    this.deps.book.put(grant);
    alongside.forEach((event) => this.deps.events.emit(event));
    if (!isScheduled(grant)) this.deps.events.emit({ type: 'grant.started', grant });
  }

  async start(spec: NewGrant): Promise<GrantRecord> {
    const grant = await this.deps.store.atomic(() => this.insert(spec));
    this.published(grant);
    return grant;
  }

  /**
   * Ends grant `id` early (`released` by its holder, `revoked` by anyone else). A grant that has
   * already ended (revoked, released or expired) is refused with how and when it ended, and left
   * as it was (an expired grant stays expired in History) — also when another end won a race to
   * it after the read here (that end is the one that stands).
   */
  async finish(
    id: string,
    actor: string,
    end: 'released' | 'revoked',
    reason: string | null,
  ): Promise<GrantRecord> {
    const before = await this.deps.store.grants.get(id);
    if (!before) throw notFound('unknown_grant', 'no such grant');
    const wasOpen = before.revokedAt === null && before.endsAt > this.deps.now();
    if (!wasOpen) throw this.alreadyEnded(before, end);
    // The write re-reads the grant in its transaction: only the first end is recorded.
    const ended = await this.deps.revocations.end(before, {
      actor,
      code: end === 'released' ? 'grant.released' : 'grant.revoked',
      reason,
    });
    if (!ended.first) throw this.alreadyEnded(ended.grant, end);
    this.deps.book.put(ended.grant);
    this.deps.events.emit({ type: 'grant.ended', grant: ended.grant, end });
    return ended.grant;
  }

  private alreadyEnded(grant: GrantRecord, end: 'released' | 'revoked'): JitgateError {
    const how = endedInWords(grant, this.deps.now()) ?? 'it is not open';
    const verb = end === 'released' ? 'release' : 'revoke';
    return new JitgateError(
      409,
      'grant_not_live',
      `${grant.id} has already ended: ${how}; nothing to ${verb}`,
    );
  }
}
