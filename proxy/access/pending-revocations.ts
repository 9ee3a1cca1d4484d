/**
 * Ending a grant is the safe direction, so it never waits for the store. The end (revoke or
 * release) and its audit event are written in one transaction as always; when the store cannot
 * take that write (a full disk, a lost database), the end holds anyway: the caller gets the grant
 * back ended, puts it in the grant book and cuts its connections at once, and the end waits here
 * until the store takes writes again, when it is recorded with its original time and audited
 * (`recordedLate`). While it waits, every read of the grant through the store (`overlay`) sees it
 * ended, so nothing — credentials, certificates, the revocation list, a page — brings it back.
 *
 * This is the one place that knows of ends not yet written. `list()` is what another replica
 * must learn (replica notifications carry it); a restart before the store recovers loses the
 * list, which is why the failure is loud (the `onUnrecorded` alert: log, metric, webhook).
 */
import type { AuditLog } from '../audit/audit-log.js';
import { JitgateError, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { GrantRecord, GrantRepository, Store } from '../store/types.js';

export type GrantEndCode = 'grant.revoked' | 'grant.released';

export interface PendingRevocation {
  grantId: string;
  userId: string;
  resourceId: string;
  actor: string;
  code: GrantEndCode;
  reason: string | null;
  /** When the end took effect (epoch ms): the time recorded once the store takes it. */
  at: number;
  /** Why the store refused, for logs and alerts (never shown to the caller). */
  cause: string;
}

export interface PendingRevocationsDeps {
  /** The store itself, not an overlay: writes go here. */
  store: Pick<Store, 'atomic' | 'grants'>;
  audit: Pick<AuditLog, 'append'>;
  log: Logger;
  now: () => number;
  /** An end the store refused: the alert (metric, webhook) beside the error log. */
  onUnrecorded?: (pending: PendingRevocation) => void;
  /** A waiting end the store has now taken. */
  onRecorded?: (pending: PendingRevocation) => void;
}

export interface GrantEndOutcome {
  grant: GrantRecord;
  /** False when the end holds in memory only, waiting for the store. */
  recorded: boolean;
  /** Whether this call ended it (not a repeat of an end already made). */
  first: boolean;
}

const causeOf = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : 'unknown store failure';

export class PendingRevocations {
  private readonly waiting = new Map<string, PendingRevocation>();
  private failures = 0;
  private flushing: Promise<number> | undefined;

  constructor(private readonly deps: PendingRevocationsDeps) {}

  /**
   * Ends `grant` (as read before) as `actor`: written with its audit event, or, when the store
   * cannot take it, held here. Errors of the domain (unknown grant) are thrown as they are.
   */
  async end(
    grant: GrantRecord,
    change: { actor: string; code: GrantEndCode; reason: string | null },
  ): Promise<GrantEndOutcome> {
    const already = this.waiting.get(grant.id);
    if (already) return { grant: this.apply(grant), recorded: false, first: false };
    const at = this.deps.now();
    try {
      return await this.deps.store.atomic(() => this.write(grant.id, change, at, false));
    } catch (error) {
      if (error instanceof JitgateError) throw error;
      const pending: PendingRevocation = {
        grantId: grant.id,
        userId: grant.userId,
        resourceId: grant.resourceId,
        actor: change.actor,
        code: change.code,
        reason: change.reason,
        at,
        cause: causeOf(error),
      };
      this.waiting.set(grant.id, pending);
      this.failures++;
      this.deps.log.error(
        'grant end not recorded: the store refused the write. Access is cut now; the end is recorded when the store takes writes again',
        {
          grant: grant.id,
          user: grant.userId,
          resource: grant.resourceId,
          code: change.code,
          error,
        },
      );
      this.deps.onUnrecorded?.(pending);
      return { grant: this.apply(grant), recorded: false, first: true };
    }
  }

  /** The grant as it stands once the ends waiting here are counted. */
  apply(grant: GrantRecord): GrantRecord;
  apply(grant: GrantRecord | undefined): GrantRecord | undefined;
  apply(grant: GrantRecord | undefined): GrantRecord | undefined {
    const pending = grant && this.waiting.get(grant.id);
    if (!grant || !pending || grant.revokedAt !== null) return grant;
    return { ...grant, revokedAt: pending.at, revokedBy: pending.actor };
  }

  /** Whether `grantId`'s end holds in memory only, not yet written. */
  isPending(grantId: string): boolean {
    return this.waiting.has(grantId);
  }

  /** Ends waiting for the store, oldest first. */
  list(): PendingRevocation[] {
    return [...this.waiting.values()].sort((a, b) => a.at - b.at);
  }

  get size(): number {
    return this.waiting.size;
  }

  /** How many ends the store has refused since start (a counter for /metrics). */
  get refusedWrites(): number {
    return this.failures;
  }

  /** Writes what waits; resolves how many were recorded. Overlapping calls share one pass. */
  flush(): Promise<number> {
    this.flushing ??= this.flushAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushAll(): Promise<number> {
    let recorded = 0;
    for (const pending of this.list()) {
      try {
        await this.deps.store.atomic(() => this.write(pending.grantId, pending, pending.at, true));
      } catch (error) {
        // Still full: the next pass tries again, in order.
        this.deps.log.warn('grant end still not recorded', { grant: pending.grantId, error });
        break;
      }
      this.waiting.delete(pending.grantId);
      recorded++;
      this.deps.log.info('grant end recorded late', { grant: pending.grantId, at: pending.at });
      this.deps.onRecorded?.(pending);
    }
    return recorded;
  }

  /** Inside the store's transaction: the end once, and its audit event the first time. */
  private async write(
    id: string,
    change: { actor: string; code: GrantEndCode; reason: string | null },
    at: number,
    late: boolean,
  ): Promise<GrantEndOutcome> {
    const { grants } = this.deps.store;
    const before = await grants.get(id);
    const after = await grants.revoke(id, change.actor, at);
    if (!before || !after) throw notFound('unknown_grant', `no grant "${id}"`);
    const first = before.revokedAt === null;
    if (first)
      await this.deps.audit.append({
        code: change.code,
        actor: change.actor,
        target: after.resourceId,
        reason: change.reason,
        data: {
          grant: after.id,
          user: after.userId,
          ...(late ? { recordedLate: true, endedAt: new Date(at).toISOString() } : {}),
        },
      });
    return { grant: after, recorded: true, first };
  }

  /** The store as everyone else reads it: grants with the waiting ends applied. */
  overlay<S extends Pick<Store, 'grants'>>(store: S): S {
    const raw = store.grants;
    const grants: GrantRepository = {
      insert: (grant) => raw.insert(grant),
      get: async (id) => this.apply(await raw.get(id)),
      revoke: (id, by, at) => raw.revoke(id, by, at),
      listLive: async (now) => (await raw.listLive(now)).filter((g) => !this.waiting.has(g.id)),
      listForUser: async (userId) => (await raw.listForUser(userId)).map((g) => this.apply(g)),
      listInPeriod: async (filter) => (await raw.listInPeriod(filter)).map((g) => this.apply(g)),
      // A grant ended here (its end still waiting for the store) did not expire.
      claimExpiry: async (id, at) => !this.waiting.has(id) && raw.claimExpiry(id, at),
      // A grant whose end is waiting to be recorded was revoked, not expired: its record comes.
      claimExpired: async (now) =>
        (await raw.claimExpired(now)).filter((g) => !this.waiting.has(g.id)),
      // A grant ended before its start (its end waiting to be recorded) never started.
      claimStarted: async (now) =>
        (await raw.claimStarted(now)).filter((g) => !this.waiting.has(g.id)),
    };
    return new Proxy(store, {
      get(target, property) {
        if (property === 'grants') return grants;
        const value: unknown = Reflect.get(target, property, target);
        // Bound to the store itself: its methods may use private fields a proxy cannot reach.
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }
}
