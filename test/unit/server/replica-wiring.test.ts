// How a replica applies the changes it hears from the others while it reloads everything (after
// its change feed reconnected): the reload's snapshot may predate a change heard meanwhile, and
// must not undo it (put a revoked grant back in the book, or drop one just started as revoked).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AccessEvents, type AccessEvent } from '../../../proxy/access/events.js';
import { GrantBook, type GrantEndReason } from '../../../proxy/access/grant-book.js';
import { PendingRevocations } from '../../../proxy/access/pending-revocations.js';
import { wireReplicaSync, type ReplicaSyncDeps } from '../../../proxy/server/replica-wiring.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import type { ChangeSubscriber } from '../../../proxy/store/change-feed.js';
import type { GrantRecord, Store } from '../../../proxy/store/types.js';

const T0 = 1_700_000_000_000;
const now = () => T0;

function grant(id: string, overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id,
    userId: 'corp:alice',
    resourceId: 'payroll',
    startsAt: T0 - 60_000,
    endsAt: T0 + 30 * 60_000,
    reason: null,
    createdBy: 'admin',
    createdAt: T0 - 60_000,
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  };
}

/** A promise the test settles when it chooses: a store answer that is late. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every promise already settled run its callbacks. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A replica wired to a store whose grants the test holds (`records`, read by `get` at once) and
 * whose `listLive` answers are handed out by the test (`nextList`).
 */
async function replica(initial: GrantRecord[]) {
  const records = new Map(initial.map((g) => [g.id, g]));
  let subscriber: ChangeSubscriber | undefined;
  let nextList: Promise<GrantRecord[]> | undefined;
  const raw = {
    changes: {
      subscribe: (s: ChangeSubscriber) => {
        subscriber = s;
        return () => undefined;
      },
      restart: () => undefined,
    },
    grants: {
      get: (id: string) => Promise.resolve(records.get(id)),
      listLive: () => nextList ?? Promise.resolve([...records.values()]),
    },
    requests: { get: () => Promise.resolve(undefined) },
    breakGlass: { get: () => Promise.resolve(undefined) },
  } as unknown as ReplicaSyncDeps['store'] & Pick<Store, 'atomic'>;
  // Grants read through the ends held waiting for the store, as start.ts wires it.
  const revocations = new PendingRevocations({
    store: raw,
    audit: { append: () => Promise.reject(new Error('not in these tests')) },
    log: silentLogger,
    now,
  });
  const store = revocations.overlay(raw);
  const book = new GrantBook();
  const droppedSessions: string[] = [];
  const events = new AccessEvents();
  const told: string[] = [];
  events.on((e: AccessEvent) => {
    if (e.type === 'grant.started') told.push(`started ${e.grant.id} remote=${e.remote}`);
    if (e.type === 'grant.ended') told.push(`${e.end} ${e.grant.id} remote=${e.remote}`);
  });
  const ended: [string, GrantEndReason][] = [];
  book.onEnd((g, reason) => ended.push([g.id, reason]));
  await wireReplicaSync({
    store,
    book,
    revocations,
    sessions: {
      invalidateDigest: (digest: string) => droppedSessions.push(digest),
      clear: () => undefined,
    },
    events,
    log: silentLogger,
    now,
  });
  assert.ok(subscriber);
  const feed = subscriber;
  return {
    book,
    ended,
    records,
    droppedSessions,
    told,
    /** Starts a reload whose listLive answers `snapshot` when the test releases it. */
    reloadWithLateSnapshot() {
      const list = deferred<GrantRecord[]>();
      nextList = list.promise;
      const done = feed.resync();
      nextList = undefined;
      return { release: (snapshot: GrantRecord[]) => list.resolve(snapshot), done };
    },
    hear: (id: string) => feed.changed({ kind: 'grant', id }),
    hearEndWaiting: (id: string) =>
      feed.changed({ kind: 'grant_end', id, end: 'revoked', actor: 'corp:bob' }),
    hearSessionEnd: (digest: string) => feed.changed({ kind: 'session', digest }),
  };
}

void describe('replica sync: a change heard during a reload', () => {
  void test('a grant revoked elsewhere while the replica reloads stays out of the book', async () => {
    const live = grant('grt_1');
    const r = await replica([live]);
    assert.ok(r.book.liveById('grt_1', T0));

    // The reload's listLive is taken before the revocation commits and answers after it.
    const reload = r.reloadWithLateSnapshot();
    r.records.set('grt_1', grant('grt_1', { revokedAt: T0, revokedBy: 'admin' }));
    r.hear('grt_1');
    await settle();
    reload.release([live]);
    await reload.done;
    await settle();

    assert.equal(r.book.liveById('grt_1', T0), undefined, 'the revoked grant must not admit');
  });

  void test('a grant started elsewhere while the replica reloads is kept, not ended', async () => {
    const r = await replica([]);

    const reload = r.reloadWithLateSnapshot();
    r.records.set('grt_2', grant('grt_2'));
    r.hear('grt_2');
    await settle();
    reload.release([]);
    await reload.done;
    await settle();

    assert.ok(r.book.liveById('grt_2', T0), 'the new grant must admit');
    assert.deepEqual(r.ended, [], 'nothing ended: the grant was never revoked');
  });

  void test('a session ended elsewhere leaves the cache as the change is heard, reload or not', async () => {
    const r = await replica([]);
    const reload = r.reloadWithLateSnapshot();
    r.hearSessionEnd('digest-of-a-logout');
    // No await: any request this replica serves after the feed's delivery finds it gone.
    assert.deepEqual(r.droppedSessions, ['digest-of-a-logout']);
    reload.release([]);
    await reload.done;
  });

  void test('a reload after a reconnect tells event streams what it ended and started', async () => {
    const kept = grant('grt_kept');
    const r = await replica([kept, grant('grt_released'), grant('grt_revoked')]);
    assert.deepEqual(r.told, [], 'the first load is not news');

    // While the feed was down: one released by its holder, one revoked, one started.
    r.records.set(
      'grt_released',
      grant('grt_released', { revokedAt: T0, revokedBy: 'corp:alice' }),
    );
    r.records.delete('grt_revoked'); // (the store cannot say: told as revoked)
    r.records.set('grt_new', grant('grt_new'));
    const reload = r.reloadWithLateSnapshot();
    reload.release([kept, grant('grt_new')]);
    await reload.done;

    assert.deepEqual(r.told.sort(), [
      'released grt_released remote=true',
      'revoked grt_revoked remote=true',
      'started grt_new remote=true',
    ]);
  });

  void test('a grant end another replica could not record is out of the book as it is heard', async () => {
    const live = grant('grt_held');
    const r = await replica([live]);
    const reload = r.reloadWithLateSnapshot();

    r.hearEndWaiting('grt_held'); // the store still has it live
    assert.equal(r.book.liveById('grt_held', T0), undefined, 'at once, reload or not');
    assert.deepEqual(r.ended, [['grt_held', 'revoked']], 'what ran under it is cut');
    assert.deepEqual(r.told, ['revoked grt_held remote=true']);

    reload.release([live]); // a snapshot read before the end: it must not bring it back
    await reload.done;
    await settle();
    assert.equal(r.book.liveById('grt_held', T0), undefined, 'held ended through the reload');
    assert.equal(r.told.length, 1, 'told once');
  });
});
