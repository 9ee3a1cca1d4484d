/**
 * Ending a grant is the safe direction, so it never waits for the store. The end (revoke or
 * release) and its audit event are written in one transaction as always; when the store cannot
 * take that write (a full disk, a lost database), the end holds anyway: the caller gets the grant
 * back ended, puts it in the grant book and cuts its connections at once, and the end waits here
 * until the store takes writes again, when it is recorded with its original time and audited
 * (`recordedLate`). While it waits, every read of the grant through the store (`overlay`) sees it
 * ended, so nothing — credentials, certificates, the revocation list, a page — brings it back.
 *
 * This is the one place that knows of ends not yet written, its own and the other replicas'.
 * Each waiting end is announced to the other replicas (the change feed's `announce`, again at
 * every retry, so a replica that reconnected hears it too), and each holds what it hears
 * (`hear`) the same way, until the store has the grant ended or the grant is over: no replica
 * admits on a grant one of them ended. A restart of the replica that took the end before the
 * store recovers loses its record (the others hold the end, not the record), which is why the
 * failure is loud (the `onUnrecorded` alert: log, metric, webhook).
 */
import type { AuditLog } from '../audit/audit-log.js';
import { JitgateError, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { ChangeFeed } from '../store/change-feed.js';
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
  /** How the other replicas are told of an end that waits here (absent: there are none). */
  changes?: Pick<ChangeFeed, 'announce'>;
}

/** An end as the other replicas hear of it (its record stays with the replica that took it). */
export interface HeardEnd {
  grantId: string;
  end: 'released' | 'revoked';
  actor: string;
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

const endOf = (code: GrantEndCode): HeardEnd['end'] =>
  code === 'grant.released' ? 'released' : 'revoked';

export class PendingRevocations {
  private readonly waiting = new Map<string, PendingRevocation>();
  /** Ends other replicas hold waiting for the store, with when this one heard each. */
  private readonly heard = new Map<string, HeardEnd & { at: number }>();
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
      // A refusal of the domain (no such grant) is the caller's answer; a store that cannot
      // take the write (unreachable, disk full, read-only) is what the end must not wait for.
      if (error instanceof JitgateError && error.code !== 'store_unavailable') throw error;
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
      this.tell(pending);
      return { grant: this.apply(grant), recorded: false, first: true };
    }
  }

  /** The grant as it stands once the ends waiting here are counted. */
  apply(grant: GrantRecord): GrantRecord;
  apply(grant: GrantRecord | undefined): GrantRecord | undefined;
  apply(grant: GrantRecord | undefined): GrantRecord | undefined {
    const pending = grant && (this.waiting.get(grant.id) ?? this.heard.get(grant.id));
    if (!grant || !pending || grant.revokedAt !== null) return grant;
    return { ...grant, revokedAt: pending.at, revokedBy: pending.actor };
  }

  /** Whether `grantId`'s end holds in memory only (taken here or elsewhere), not yet written. */
  isPending(grantId: string): boolean {
    return this.waiting.has(grantId) || this.heard.has(grantId);
  }

  /**
   * Another replica ended a grant the store would not record: from now on it reads as ended
   * here too (the caller then reloads it into the grant book, which cuts what ran under it).
   */
  hear(end: HeardEnd): void {
    if (this.waiting.has(end.grantId) || this.heard.has(end.grantId)) return;
    this.heard.set(end.grantId, { ...end, at: this.deps.now() });
    this.deps.log.warn('grant ended on another replica, not yet recorded: held ended here', {
      grant: end.grantId,
    });
  }

  /** Announces a waiting end; a failure is retried with the next flush. */
  private tell(pending: PendingRevocation) {
    const changes = this.deps.changes;
    if (!changes) return;
    const told = { id: pending.grantId, end: endOf(pending.code), actor: pending.actor };
    changes.announce({ kind: 'grant_end', ...told }).catch((error: unknown) =>
      this.deps.log.warn('grant end not announced to the other replicas', {
        grant: pending.grantId,
        error,
      }),
    );
  }

  /** Ends waiting for the store, oldest first. */
  list(): PendingRevocation[] {
    return [...this.waiting.values()].sort((a, b) => a.at - b.at);
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Whether a flush has anything to do: ends to write, or heard ends to let go of. */
  get idle(): boolean {
    return this.waiting.size === 0 && this.heard.size === 0;
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
    await this.forgetRecordedHeard();
    let recorded = 0;
    for (const pending of this.list()) {
      try {
        await this.deps.store.atomic(() => this.write(pending.grantId, pending, pending.at, true));
      } catch (error) {
        // Still full: the next pass tries again, in order. Told again meanwhile: a replica
        // that was away (reconnected, or just started) may not have heard.
        this.deps.log.warn('grant end still not recorded', { grant: pending.grantId, error });
        this.list().forEach((still) => this.tell(still));
        break;
      }
      this.waiting.delete(pending.grantId);
      recorded++;
      this.deps.log.info('grant end recorded late', { grant: pending.grantId, at: pending.at });
      this.deps.onRecorded?.(pending);
    }
    return recorded;
  }

  /** Lets go of heard ends the store now has (or whose grant is over, or gone). */
  private async forgetRecordedHeard() {
    for (const [id, held] of [...this.heard]) {
      const stored = await this.deps.store.grants.get(id).catch(() => null);
      if (stored === null) continue; // the store cannot say: keep holding
      if (!stored || stored.revokedAt !== null || stored.endsAt <= this.deps.now())
        if (this.heard.get(id) === held) this.heard.delete(id);
    }
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
      listLive: async (now) => (await raw.listLive(now)).filter((g) => !this.isPending(g.id)),
      listForUser: async (userId, bound) =>
        (await raw.listForUser(userId, bound)).map((g) => this.apply(g)),
      listInPeriod: async (filter) => (await raw.listInPeriod(filter)).map((g) => this.apply(g)),
      // A grant ended here (its end still waiting for the store) did not expire.
      claimExpiry: async (id, at) => !this.isPending(id) && raw.claimExpiry(id, at),
      // A grant whose end is waiting to be recorded was revoked, not expired: its record comes.
      claimExpired: async (now) =>
        (await raw.claimExpired(now)).filter((g) => !this.isPending(g.id)),
      // A grant ended before its start (its end waiting to be recorded) never started.
      claimStarted: async (now) =>
        (await raw.claimStarted(now)).filter((g) => !this.isPending(g.id)),
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
