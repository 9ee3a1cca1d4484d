// The gateway's session cache: one store read per session per refresh interval, immediate
// invalidation on logout, fail-closed on store errors, and throttled keep-alive touches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SessionCache, type SessionCacheOptions } from '../../../proxy/identity/session-cache.js';
import type { SessionUser } from '../../../proxy/identity/session-user.js';
import { sessionDigest } from '../../../proxy/store/change-feed.js';
import type { SessionRepository, SessionRow } from '../../../proxy/store/types.js';

const T0 = 1_700_000_000_000;
const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

const alice: SessionUser = {
  id: 'corp:alice',
  idp: 'corp',
  username: 'alice',
  email: 'alice@example.com',
  name: 'Alice',
  groups: ['staff'],
  kind: 'person',
  loginAt: T0,
};

const sessionData = (user: SessionUser | undefined) =>
  JSON.stringify(user ? { cookie: {}, user } : { cookie: {} });

/** An in-memory session repository that counts calls and can be told to fail or to wait. */
class FakeSessions implements SessionRepository {
  readonly rows = new Map<string, SessionRow>();
  gets = 0;
  readonly touches: [string, number][] = [];
  failGet = false;
  failTouch = false;
  /** When set, get() reads the row, then waits for this promise before answering. */
  gate: Promise<void> | undefined;

  async get(id: string): Promise<SessionRow | undefined> {
    this.gets++;
    if (this.failGet) throw new Error('store down');
    const row = this.rows.get(id);
    // The answer is read now and delivered when the gate opens, like a slow network reply.
    if (this.gate) await this.gate;
    return row ? { ...row } : undefined;
  }
  async create(row: SessionRow): Promise<boolean> {
    if (this.rows.has(row.id)) return false;
    this.rows.set(row.id, { ...row });
    return true;
  }
  async update(row: SessionRow, now: number): Promise<boolean> {
    const current = this.rows.get(row.id);
    if (!current || current.expiresAt <= now) return false;
    this.rows.set(row.id, { ...row });
    return true;
  }
  async destroy(id: string): Promise<void> {
    this.rows.delete(id);
  }
  async destroyByUser(): Promise<string[]> {
    return [];
  }
  async touch(id: string, expiresAt: number, now: number): Promise<void> {
    this.touches.push([id, expiresAt]);
    if (this.failTouch) throw new Error('store down');
    const row = this.rows.get(id);
    if (row && row.expiresAt > now) row.expiresAt = expiresAt;
  }
  async purgeExpired(now: number): Promise<number> {
    let n = 0;
    for (const [id, row] of this.rows)
      if (row.expiresAt <= now) {
        this.rows.delete(id);
        n++;
      }
    return n;
  }
}

/** A promise the test resolves by hand. */
function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets already-settled promise callbacks (such as a touch's catch) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(options: Partial<SessionCacheOptions> = {}) {
  const sessions = new FakeSessions();
  let now = T0;
  const cache = new SessionCache(sessions, {
    maxAgeMs: 12 * HOUR,
    idleTimeoutMs: HOUR,
    now: () => now,
    refreshMs: 15 * SEC,
    touchEveryMs: MIN,
    ...options,
  });
  const put = async (id: string, user: SessionUser | undefined, expiresAt = T0 + HOUR) => {
    sessions.rows.set(id, { id, data: sessionData(user), expiresAt });
  };
  return {
    sessions,
    cache,
    put,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

void describe('SessionCache.lookup', () => {
  void test('returns the user and reads the store once within the refresh interval', async () => {
    const { sessions, cache, put, advance } = setup();
    await put('s1', alice);
    assert.deepEqual(await cache.lookup('s1'), alice);
    advance(15 * SEC);
    assert.deepEqual(await cache.lookup('s1'), alice);
    assert.equal(sessions.gets, 1);
    assert.equal(cache.size, 1);
  });

  void test('a fresh entry answers at once, not as a promise (the hot path waits for nothing)', async () => {
    const { cache, put } = setup();
    await put('s1', alice);
    const first = cache.lookup('s1');
    assert.ok(first instanceof Promise, 'the first lookup reads the store');
    assert.deepEqual(await first, alice);
    assert.deepEqual(cache.lookup('s1'), alice);
  });

  void test('re-reads the store after the refresh interval', async () => {
    const { sessions, cache, put, advance } = setup();
    await put('s1', alice);
    await cache.lookup('s1');
    advance(15 * SEC + 1);
    await put('s1', { ...alice, groups: ['staff', 'admins'] });
    assert.deepEqual((await cache.lookup('s1'))?.groups, ['staff', 'admins']);
    assert.equal(sessions.gets, 2);
  });

  void test('a session deleted elsewhere disappears at the next refresh', async () => {
    const { sessions, cache, put, advance } = setup();
    await put('s1', alice);
    await cache.lookup('s1');
    await sessions.destroy('s1');
    assert.deepEqual(await cache.lookup('s1'), alice);
    advance(15 * SEC + 1);
    assert.equal(await cache.lookup('s1'), undefined);
    assert.equal(cache.size, 0);
  });

  void test('concurrent lookups of one session share a single store read', async () => {
    const { sessions, cache, put } = setup();
    await put('s1', alice);
    const results = await Promise.all([cache.lookup('s1'), cache.lookup('s1'), cache.lookup('s1')]);
    assert.deepEqual(results, [alice, alice, alice]);
    assert.equal(sessions.gets, 1);
  });

  void test('unknown sessions and sessions without a user are no one', async () => {
    const { cache, put } = setup();
    await put('anon', undefined);
    assert.equal(await cache.lookup('missing'), undefined);
    assert.equal(await cache.lookup('anon'), undefined);
  });

  void test('an expired session is no one, from the store or from memory', async () => {
    const { cache, put, advance } = setup();
    await put('old', alice, T0);
    assert.equal(await cache.lookup('old'), undefined);
    await put('s1', alice, T0 + 10 * SEC);
    assert.deepEqual(await cache.lookup('s1'), alice);
    advance(10 * SEC);
    assert.equal(await cache.lookup('s1'), undefined);
  });

  void test('a store error rejects (fail closed) and the next lookup retries', async () => {
    const { sessions, cache, put } = setup();
    await put('s1', alice);
    sessions.failGet = true;
    await assert.rejects(async () => cache.lookup('s1'), /store down/);
    sessions.failGet = false;
    assert.deepEqual(await cache.lookup('s1'), alice);
  });

  void test('a store error on refresh rejects rather than serving the stale entry', async () => {
    const { sessions, cache, put, advance } = setup();
    await put('s1', alice);
    await cache.lookup('s1');
    advance(15 * SEC + 1);
    sessions.failGet = true;
    await assert.rejects(async () => cache.lookup('s1'), /store down/);
  });

  void test('the cache stays within maxEntries', async () => {
    const { cache, put } = setup({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) await put(id, alice);
    for (const id of ['a', 'b', 'c']) await cache.lookup(id);
    assert.equal(cache.size, 2);
  });
});

void describe('SessionCache.invalidate', () => {
  void test('forces the next lookup to read the store', async () => {
    const { sessions, cache, put } = setup();
    await put('s1', alice);
    await cache.lookup('s1');
    await sessions.destroy('s1');
    cache.invalidate('s1');
    assert.equal(await cache.lookup('s1'), undefined);
    assert.equal(sessions.gets, 2);
  });

  void test('a read already in flight does not bring the invalidated session back', async () => {
    const { sessions, cache, put } = setup();
    await put('s1', alice);
    const gate = deferred();
    sessions.gate = gate.promise;
    const inFlight = cache.lookup('s1');
    // Logout happens while the store read is on its way back.
    await sessions.destroy('s1');
    cache.invalidate('s1');
    gate.resolve();
    await inFlight;
    sessions.gate = undefined;
    assert.equal(await cache.lookup('s1'), undefined);
  });

  void test('a first read in flight does not bring back a session another replica ended', async () => {
    const { sessions, cache, put } = setup();
    await put('s1', alice);
    const gate = deferred();
    sessions.gate = gate.promise;
    const inFlight = cache.lookup('s1');
    // Another replica ends the session while this replica's first read of it is on its way back:
    // the change feed names it by its digest.
    await sessions.destroy('s1');
    cache.invalidateDigest(sessionDigest('s1'));
    gate.resolve();
    await inFlight;
    sessions.gate = undefined;
    assert.equal(await cache.lookup('s1'), undefined);
  });

  void test('invalidating an unknown session is harmless', () => {
    const { cache } = setup();
    cache.invalidate('nope');
    assert.equal(cache.size, 0);
  });
});

void describe('SessionCache touches', () => {
  void test('activity touches the store at most once per interval, with the new expiry', async () => {
    const { sessions, cache, put, advance, now } = setup({ refreshMs: HOUR });
    await put('s1', alice);
    await cache.lookup('s1');
    assert.deepEqual(sessions.touches, []);
    advance(MIN);
    await cache.lookup('s1');
    assert.deepEqual(sessions.touches, []);
    advance(1);
    await cache.lookup('s1');
    assert.deepEqual(sessions.touches, [['s1', now() + HOUR]]);
    advance(30 * SEC);
    await cache.lookup('s1');
    assert.equal(sessions.touches.length, 1);
    advance(MIN);
    await cache.lookup('s1');
    assert.equal(sessions.touches.length, 2);
  });

  void test('touching keeps a busy session alive past its first expiry', async () => {
    const { cache, put, advance } = setup({ refreshMs: HOUR, touchEveryMs: MIN });
    await put('s1', alice, T0 + 2 * MIN);
    await cache.lookup('s1');
    advance(MIN + 1);
    assert.deepEqual(await cache.lookup('s1'), alice);
    advance(MIN + 1);
    assert.deepEqual(await cache.lookup('s1'), alice);
  });

  void test('the absolute lifetime still ends a busy session', async () => {
    const { cache, put, advance } = setup({
      refreshMs: HOUR,
      touchEveryMs: MIN,
      maxAgeMs: 3 * MIN,
    });
    await put('s1', alice, T0 + 3 * MIN);
    for (let i = 0; i < 2; i++) {
      advance(MIN + 1);
      assert.deepEqual(await cache.lookup('s1'), alice);
    }
    advance(MIN);
    assert.equal(await cache.lookup('s1'), undefined);
  });

  void test('a failed touch is retried on the next lookup', async () => {
    const { sessions, cache, put, advance } = setup({ refreshMs: HOUR });
    await put('s1', alice);
    await cache.lookup('s1');
    sessions.failTouch = true;
    advance(MIN + 1);
    assert.deepEqual(await cache.lookup('s1'), alice);
    await settle();
    sessions.failTouch = false;
    advance(1);
    await cache.lookup('s1');
    assert.equal(sessions.touches.length, 2);
  });
});
