/**
 * The in-memory index of live grants that every proxied request is checked against. Pure: the
 * caller passes the time. Listeners hear when a grant ends (release, revoke or expiry) so open
 * connections under it can be cut, and when a grant scheduled for later starts (a grant that
 * starts when it is made is announced by whoever made it).
 *
 * With several replicas the book is a copy kept current by the store's change feed. While the
 * copy may be stale (`isCurrent` says no), every admission throws 503 grant_book_stale: nobody
 * is admitted on a grant that may have been revoked elsewhere. A copy also trails the store by
 * the feed's delay: a grant made on another replica a moment ago may not be here yet, so the
 * `find` lookups catch up with the feed before they answer that there is none.
 */
import { JitgateError } from '../shared/errors.js';
import type { ChangeFeed } from '../store/change-feed.js';
import type { GrantRecord } from '../store/types.js';

/** How a grant ended: its holder released it, someone revoked it, or it ran out. */
export type GrantEndReason = 'released' | 'revoked' | 'expired';
export type GrantEndListener = (grant: GrantRecord, reason: GrantEndReason) => void;
export type GrantStartListener = (grant: GrantRecord) => void;
/** The book may be stale: nothing may go on under what it holds (see `sweep`). */
export type StaleListener = () => void;

/** A grant lookup that may have to wait for the change feed (GrantBook.findLiveGrant). */
export type Lookup = GrantRecord | undefined | Promise<GrantRecord | undefined>;

/** One process: the book is its only copy, always current. */
const ONE_PROCESS: Pick<ChangeFeed, 'isCurrent' | 'catchUp'> = {
  isCurrent: () => true,
  catchUp: () => undefined,
};

/** The one refusal of a book that cannot answer: 503 grant_book_stale, with why. */
const staleBook = (message: string) => new JitgateError(503, 'grant_book_stale', message);

const key = (userId: string, resourceId: string) => `${userId}\0${resourceId}`;

/** A grant ended before its time by its holder was released; by anyone else, revoked. */
export function earlyEnd(grant: GrantRecord): 'released' | 'revoked' {
  return grant.revokedBy === grant.userId ? 'released' : 'revoked';
}

export function isLive(grant: GrantRecord, now: number): boolean {
  return grant.revokedAt === null && grant.startsAt <= now && now < grant.endsAt;
}

export class GrantBook {
  private readonly byId = new Map<string, GrantRecord>();
  private readonly byUserResource = new Map<string, GrantRecord[]>();
  private readonly listeners = new Set<GrantEndListener>();
  private readonly startListeners = new Set<GrantStartListener>();
  private readonly staleListeners = new Set<StaleListener>();
  /** A catch-up on its way, started by a sweep that found the book maybe stale. */
  private confirming = false;
  /** The time of the last sweep: the next one announces the scheduled starts after it. */
  private sweptAt: number | undefined;

  /** `feed`: whether this copy is known to be current, and how it catches up (the change feed). */
  constructor(private readonly feed: Pick<ChangeFeed, 'isCurrent' | 'catchUp'> = ONE_PROCESS) {}

  /** Throws 503 when the book may be stale: callers that admit anyone go through here. */
  assertCurrent(): void {
    if (!this.feed.isCurrent())
      throw staleBook(
        'this replica lost touch with the store and cannot tell whether access was revoked',
      );
  }

  /** Adds or replaces a grant; a revoked one is removed (and its listeners told). */
  put(grant: GrantRecord): void {
    const previous = this.byId.get(grant.id);
    if (previous) this.remove(previous);
    if (grant.revokedAt !== null) {
      if (previous) this.emit(grant, earlyEnd(grant));
      return;
    }
    this.byId.set(grant.id, grant);
    const k = key(grant.userId, grant.resourceId);
    const list = this.byUserResource.get(k) ?? [];
    list.push(grant);
    this.byUserResource.set(k, list);
  }

  /** The live grant that lets `userId` reach `resourceId` now; the one that lasts longest. */
  liveGrant(userId: string, resourceId: string, now: number): GrantRecord | undefined {
    this.assertCurrent();
    const list = this.byUserResource.get(key(userId, resourceId));
    if (!list) return undefined;
    let best: GrantRecord | undefined;
    for (const grant of list) {
      if (isLive(grant, now) && (!best || grant.endsAt > best.endsAt)) best = grant;
    }
    return best;
  }

  /** The grant `id` when it is live now (throws 503 like liveGrant when the book is stale). */
  liveById(id: string, now: number): GrantRecord | undefined {
    this.assertCurrent();
    const grant = this.byId.get(id);
    return grant && isLive(grant, now) ? grant : undefined;
  }

  /**
   * liveGrant, but a miss is answered only after the book caught up with the other replicas'
   * writes (a promise then; at once on a hit or in one process). `now` is read after the wait.
   */
  findLiveGrant(userId: string, resourceId: string, now: () => number): Lookup {
    // (The hot path: a hit allocates nothing.)
    return (
      this.liveGrant(userId, resourceId, now()) ??
      this.afterCatchUp(() => this.liveGrant(userId, resourceId, now()))
    );
  }

  /** liveById, with a miss answered after catching up like findLiveGrant. */
  findLiveById(id: string, now: () => number): Lookup {
    return this.liveById(id, now()) ?? this.afterCatchUp(() => this.liveById(id, now()));
  }

  private afterCatchUp(look: () => GrantRecord | undefined): Lookup {
    // Not caught up, a miss may be a grant on its way: "cannot tell" (503), not "no" (403).
    return this.feed.catchUp()?.then(look, () => {
      throw staleBook(
        'this replica could not catch up with the store to see whether access was granted',
      );
    });
  }

  /**
   * Replaces the whole book with `live` (the store's live grants, read after a reconnect): a
   * grant held here and missing there was revoked meanwhile, and its listeners hear so.
   * Returns the grants it ended and those it did not hold, for the caller's event streams.
   */
  replaceAll(
    live: readonly GrantRecord[],
    now: number,
  ): { ended: GrantRecord[]; added: GrantRecord[] } {
    const keep = new Set(live.map((g) => g.id));
    const ended: GrantRecord[] = [];
    for (const grant of [...this.byId.values()]) {
      // One that has run out is the sweep's to end (and to record as expired).
      if (keep.has(grant.id) || grant.endsAt <= now) continue;
      this.remove(grant);
      this.emit(grant, 'revoked');
      ended.push(grant);
    }
    const added = live.filter((grant) => !this.byId.has(grant.id));
    live.forEach((grant) => this.put(grant));
    return { ended, added };
  }

  get(id: string): GrantRecord | undefined {
    return this.byId.get(id);
  }

  /**
   * Tells stale listeners when the book may be stale and cannot catch up (`confirmCurrent`),
   * then tells start listeners of the scheduled grants whose start came since the last sweep (the
   * first sweep only sets the mark: starts before it are the caller's to record), then drops
   * grants whose end has passed and tells end listeners; returns how many ended.
   */
  sweep(now: number): number {
    this.confirmCurrent();
    const since = this.sweptAt;
    this.sweptAt = now;
    if (since !== undefined) {
      const started = [...this.byId.values()].filter(
        (g) => g.startsAt > g.createdAt && g.startsAt > since && g.startsAt <= now,
      );
      for (const grant of started.sort((a, b) => a.startsAt - b.startsAt))
        for (const listener of this.startListeners) listener(grant);
    }
    let ended = 0;
    for (const grant of this.byId.values()) {
      if (grant.endsAt <= now) {
        this.remove(grant);
        this.emit(grant, 'expired');
        ended++;
      }
    }
    return ended;
  }

  /**
   * A copy that may be stale cannot tell whether a grant was revoked elsewhere meanwhile. It
   * tries to catch up first (a probe that was only late, a busy database or a stalled event
   * loop, is answered then); when it cannot, what runs under any grant here (open WebSockets,
   * exchanges in flight) is cut, as new requests are refused, for as long as it lasts (each
   * sweep: a connection admitted just before is cut too).
   */
  private confirmCurrent() {
    if (this.confirming || this.feed.isCurrent()) return;
    const caughtUp = this.feed.catchUp();
    if (!caughtUp) return;
    this.confirming = true;
    caughtUp
      .then(
        () => undefined,
        () => this.staleListeners.forEach((listener) => listener()),
      )
      .finally(() => (this.confirming = false));
  }

  onEnd(listener: GrantEndListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told after each sweep that found the book maybe stale and could not catch up. */
  onStale(listener: StaleListener): () => void {
    this.staleListeners.add(listener);
    return () => this.staleListeners.delete(listener);
  }

  onStart(listener: GrantStartListener): () => void {
    this.startListeners.add(listener);
    return () => this.startListeners.delete(listener);
  }

  get size(): number {
    return this.byId.size;
  }

  private remove(grant: GrantRecord) {
    this.byId.delete(grant.id);
    const k = key(grant.userId, grant.resourceId);
    const rest = (this.byUserResource.get(k) ?? []).filter((g) => g.id !== grant.id);
    if (rest.length > 0) this.byUserResource.set(k, rest);
    else this.byUserResource.delete(k);
  }

  private emit(grant: GrantRecord, reason: GrantEndReason) {
    for (const listener of this.listeners) listener(grant, reason);
  }
}
