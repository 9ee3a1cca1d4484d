/**
 * Keeps this replica's memory current with the writes of the others (the store's change feed):
 * a grant started, revoked or released elsewhere is reloaded into the grant book (which cuts the
 * connections under a grant that ended), a session ended elsewhere leaves the session cache, a
 * grant end another replica could not write is held here too, and requests, grants and
 * break-glass stages reach this replica's event streams (told `remote`, so webhooks and other
 * once-only work stay with the replica that wrote). After a reconnect the feed may have missed
 * changes, so everything is reloaded, and event streams hear the grants the reload ended or
 * added. On SQLite the feed never calls (one process).
 */
import type { AccessEvents } from '../access/events.js';
import { earlyEnd, type GrantBook } from '../access/grant-book.js';
import type { PendingRevocations } from '../access/pending-revocations.js';
import type { SessionCache } from '../identity/session-cache.js';
import type { Logger } from '../shared/logger.js';
import type { BreakGlassChangeStage, StoreChange } from '../store/change-feed.js';
import { startRecordedAt } from '../store/grant-start.js';
import type { GrantRecord, Store } from '../store/types.js';

export interface ReplicaSyncDeps {
  store: Pick<Store, 'changes' | 'grants' | 'requests' | 'breakGlass'>;
  book: GrantBook;
  /** Grant ends other replicas hold waiting for the store: this one holds them too. */
  revocations: Pick<PendingRevocations, 'hear' | 'apply'>;
  sessions: Pick<SessionCache, 'invalidateDigest' | 'clear'>;
  events: AccessEvents;
  log: Logger;
  now: () => number;
}

/**
 * Subscribes to the change feed, then reloads once (what was loaded before the subscription may
 * have changed since); resolves the unsubscribe.
 */
export async function wireReplicaSync(deps: ReplicaSyncDeps): Promise<() => void> {
  const { store, book, events, now } = deps;
  // Changes to one thing are applied in the order they arrived: a reload answered late must not
  // put back a grant that a later change already removed.
  const queues = new Map<string, Promise<void>>();
  // The reload of everything (settled, never rejected). A change heard while it runs is applied
  // after it: the reload's snapshot may have been read before that change committed, and must
  // not undo it (put a grant revoked meanwhile back in the book, or drop one started meanwhile).
  let reloading: Promise<void> = Promise.resolve();
  let loaded = false;

  /** A grant this replica did not hold is live: its event streams hear it started. */
  function tellStarted(grant: GrantRecord) {
    // A grant scheduled for later is told when it starts, by every replica's book.
    if (startRecordedAt(grant) !== null)
      events.emit({ type: 'grant.started', grant, remote: true });
  }

  async function applyGrant(id: string) {
    const grant = await store.grants.get(id);
    if (!grant) return;
    const held = book.get(id) !== undefined;
    if (grant.revokedAt === null && grant.endsAt <= now()) return;
    book.put(grant);
    if (grant.revokedAt !== null) {
      if (held) events.emit({ type: 'grant.ended', grant, end: earlyEnd(grant), remote: true });
    } else if (!held) tellStarted(grant);
  }

  /**
   * A reload ended a grant whose revoke or release went unheard: its event streams hear it as
   * well (told as the store recorded it, or as revoked when the store cannot say).
   */
  async function tellEnded(held: GrantRecord) {
    const stored = await store.grants.get(held.id).catch(() => undefined);
    const grant = stored?.revokedAt != null ? stored : held;
    const end = grant === held ? 'revoked' : earlyEnd(grant);
    events.emit({ type: 'grant.ended', grant, end, remote: true });
  }

  async function applyRequest(id: string) {
    const request = await store.requests.get(id);
    if (!request) return;
    const fresh = request.state === 'pending' && request.approvals.length === 0;
    events.emit({ type: fresh ? 'request.created' : 'request.updated', request, remote: true });
  }

  async function applyBreakGlass(grantId: string, stage: BreakGlassChangeStage) {
    const record = await store.breakGlass.get(grantId);
    if (record) events.emit({ type: 'break_glass', stage, record, remote: true });
  }

  /**
   * Another replica ended a grant the store would not record: held ended here, out of the book
   * at once (cutting what runs under it), not after a reload in progress.
   */
  function endHeard(change: Extract<StoreChange, { kind: 'grant_end' }>) {
    deps.revocations.hear({ grantId: change.id, end: change.end, actor: change.actor });
    const held = book.get(change.id);
    if (!held) return;
    const grant = deps.revocations.apply(held);
    book.put(grant);
    events.emit({ type: 'grant.ended', grant, end: change.end, remote: true });
  }

  function apply(
    change: Exclude<StoreChange, { kind: 'session' | 'grant_end' | 'token' }>,
  ): Promise<void> {
    switch (change.kind) {
      case 'grant':
        return applyGrant(change.id);
      case 'request':
        return applyRequest(change.id);
      case 'break_glass':
        return applyBreakGlass(change.id, change.stage);
      case 'terminal':
        return Promise.resolve(); // the terminals' own (terminal-wiring.ts)
    }
  }

  const subscriber = {
    changed(change: StoreChange) {
      if (change.kind === 'session') {
        // Dropping a session only ever takes access away, so it needs no order and no wait for a
        // reload: applied before anything else hears the change, a request on this replica
        // cannot be admitted by the ended session while a reload or earlier change is pending.
        deps.sessions.invalidateDigest(change.digest);
        return;
      }
      // A revoked token is the credential holds' own (credential-holds.ts): nothing kept here.
      if (change.kind === 'token') return;
      if (change.kind === 'grant_end') endHeard(change);
      // A held end is reloaded in turn too, through the hold: a reload in progress may put back
      // what endHeard took out.
      const queued =
        change.kind === 'grant_end' ? { kind: 'grant' as const, id: change.id } : change;
      const key = `${queued.kind}:${queued.id}`;
      // (A break-glass grant's stages share its queue: told in the order they were written.)
      const next = Promise.all([queues.get(key), reloading])
        .then(() => apply(queued))
        .catch((error: unknown) => {
          // Unapplied, the memory may be stale: the feed starts over and reloads everything.
          deps.log.error('change from another replica not applied', { error });
          store.changes.restart();
        })
        .finally(() => {
          if (queues.get(key) === next) queues.delete(key);
        });
      queues.set(key, next);
    },
    async settled() {
      await Promise.all([reloading, ...queues.values()]);
    },
    resync() {
      // Sessions first: the feed is listening again, so a read from here on is current, while
      // what was cached may have ended unheard.
      deps.sessions.clear();
      const reload = (async () => {
        const live = await store.grants.listLive(now());
        const { ended, added } = book.replaceAll(live, now());
        // The first load is what this replica starts with, not news.
        if (loaded) {
          added.forEach(tellStarted);
          await Promise.all(ended.map(tellEnded));
        }
        loaded = true;
        deps.log.info('replica resynchronised with the store', { liveGrants: book.size });
      })();
      reloading = reload.catch(() => undefined);
      return reload;
    },
  };
  const unsubscribe = store.changes.subscribe(subscriber);
  await subscriber.resync();
  return unsubscribe;
}
