// The in-memory book of live grants: which grant lets a person in now, and who hears when one
// ends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GrantBook, isLive, type GrantEndReason } from '../../../proxy/access/grant-book.js';
import { JitgateError } from '../../../proxy/shared/errors.js';
import type { GrantRecord } from '../../../proxy/store/types.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

let counter = 0;
function grant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  counter++;
  return {
    id: `grt_${counter}`,
    userId: 'corp:alice',
    resourceId: 'payroll',
    startsAt: T0,
    endsAt: T0 + 30 * MIN,
    reason: null,
    createdBy: 'admin',
    createdAt: T0,
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  };
}

/** A book whose end events are collected as [grant id, reason]. */
function recordingBook() {
  const book = new GrantBook();
  const ended: [string, GrantEndReason][] = [];
  book.onEnd((g, reason) => ended.push([g.id, reason]));
  return { book, ended };
}

void describe('isLive', () => {
  void test('live from its start (inclusive) to its end (exclusive), unless revoked', () => {
    const g = grant();
    assert.equal(isLive(g, T0 - 1), false);
    assert.equal(isLive(g, T0), true);
    assert.equal(isLive(g, g.endsAt - 1), true);
    assert.equal(isLive(g, g.endsAt), false);
    assert.equal(isLive({ ...g, revokedAt: T0 }, T0 + 1), false);
  });
});

void describe('GrantBook.liveGrant', () => {
  void test('finds the grant for that person and resource only', () => {
    const book = new GrantBook();
    const g = grant();
    book.put(g);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + MIN), g);
    assert.equal(book.liveGrant('corp:bob', 'payroll', T0 + MIN), undefined);
    assert.equal(book.liveGrant('corp:alice', 'orders', T0 + MIN), undefined);
    assert.equal(book.get(g.id), g);
    assert.equal(book.size, 1);
  });

  void test('keys do not collide across user and resource boundaries', () => {
    const book = new GrantBook();
    book.put(grant({ userId: 'a', resourceId: 'bc' }));
    assert.equal(book.liveGrant('ab', 'c', T0), undefined);
  });

  void test('picks the live grant that lasts longest', () => {
    const book = new GrantBook();
    const short = grant({ endsAt: T0 + 10 * MIN });
    const long = grant({ endsAt: T0 + 60 * MIN });
    const medium = grant({ endsAt: T0 + 30 * MIN });
    for (const g of [short, long, medium]) book.put(g);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + MIN), long);
  });

  void test('a longer grant that has not started yet does not count', () => {
    const book = new GrantBook();
    const now = grant({ endsAt: T0 + 10 * MIN });
    const later = grant({ startsAt: T0 + 20 * MIN, endsAt: T0 + 90 * MIN });
    book.put(now);
    book.put(later);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + MIN), now);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + 15 * MIN), undefined);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + 20 * MIN), later);
  });

  void test('a scheduled grant alone is not live before its start', () => {
    const book = new GrantBook();
    const scheduled = grant({ startsAt: T0 + 60 * MIN, endsAt: T0 + 120 * MIN });
    book.put(scheduled);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0), undefined);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + 60 * MIN - 1), undefined);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + 60 * MIN), scheduled);
    // Sweeping before its end keeps it.
    assert.equal(book.sweep(T0 + 61 * MIN), 0);
    assert.equal(book.size, 1);
  });

  void test('an expired grant no longer answers, even before a sweep', () => {
    const book = new GrantBook();
    const g = grant();
    book.put(g);
    assert.equal(book.liveGrant('corp:alice', 'payroll', g.endsAt), undefined);
  });
});

void describe('GrantBook.put', () => {
  void test('replaces a grant with the same id', () => {
    const book = new GrantBook();
    const g = grant({ endsAt: T0 + 10 * MIN });
    book.put(g);
    const extended = { ...g, endsAt: T0 + 40 * MIN };
    book.put(extended);
    assert.equal(book.size, 1);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + 20 * MIN), extended);
  });

  void test('a revoked grant is removed and its listeners told once', () => {
    const { book, ended } = recordingBook();
    const g = grant();
    book.put(g);
    const revoked = { ...g, revokedAt: T0 + MIN, revokedBy: 'bob' };
    book.put(revoked);
    assert.deepEqual(ended, [[g.id, 'revoked']]);
    assert.equal(book.size, 0);
    assert.equal(book.get(g.id), undefined);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + 2 * MIN), undefined);
    // Putting the revoked grant again (a second revoke) tells no one.
    book.put(revoked);
    assert.deepEqual(ended, [[g.id, 'revoked']]);
  });

  void test('a grant its holder ended is announced as released, not revoked', () => {
    const { book, ended } = recordingBook();
    const g = grant();
    book.put(g);
    book.put({ ...g, revokedAt: T0 + MIN, revokedBy: g.userId });
    assert.deepEqual(ended, [[g.id, 'released']]);
  });

  void test('a revoked grant the book never held is not added and not announced', () => {
    const { book, ended } = recordingBook();
    book.put(grant({ revokedAt: T0, revokedBy: 'bob' }));
    assert.equal(book.size, 0);
    assert.deepEqual(ended, []);
  });

  void test('revoking one grant leaves the others of the same person and resource', () => {
    const book = new GrantBook();
    const a = grant({ endsAt: T0 + 60 * MIN });
    const b = grant({ endsAt: T0 + 30 * MIN });
    book.put(a);
    book.put(b);
    book.put({ ...a, revokedAt: T0, revokedBy: 'bob' });
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + MIN), b);
  });
});

void describe('GrantBook.sweep', () => {
  void test('drops ended grants and announces each expiry exactly once', () => {
    const { book, ended } = recordingBook();
    const first = grant({ endsAt: T0 + 10 * MIN });
    const second = grant({ endsAt: T0 + 20 * MIN, userId: 'corp:bob' });
    const lasting = grant({ endsAt: T0 + 60 * MIN });
    for (const g of [first, second, lasting]) book.put(g);

    assert.equal(book.sweep(T0 + 10 * MIN - 1), 0);
    assert.equal(book.sweep(T0 + 10 * MIN), 1);
    assert.deepEqual(ended, [[first.id, 'expired']]);
    assert.equal(book.sweep(T0 + 10 * MIN), 0);
    assert.equal(book.sweep(T0 + 30 * MIN), 1);
    assert.equal(book.sweep(T0 + 30 * MIN), 0);
    assert.deepEqual(ended, [
      [first.id, 'expired'],
      [second.id, 'expired'],
    ]);
    assert.equal(book.size, 1);
    assert.equal(book.liveGrant('corp:alice', 'payroll', T0 + 30 * MIN), lasting);
  });

  void test('several grants ending together are all swept', () => {
    const { book, ended } = recordingBook();
    for (let i = 0; i < 5; i++) book.put(grant({ resourceId: `r${i}` }));
    assert.equal(book.sweep(T0 + 30 * MIN), 5);
    assert.equal(ended.length, 5);
    assert.equal(book.size, 0);
  });

  void test('an unsubscribed listener hears nothing more', () => {
    const book = new GrantBook();
    const heard: string[] = [];
    const off = book.onEnd((g) => heard.push(g.id));
    const a = grant({ endsAt: T0 + MIN });
    const b = grant({ endsAt: T0 + 2 * MIN });
    book.put(a);
    book.put(b);
    book.sweep(T0 + MIN);
    off();
    book.sweep(T0 + 2 * MIN);
    assert.deepEqual(heard, [a.id]);
  });
});

void describe('GrantBook kept by a replica', () => {
  test('while the book may be stale every admission throws 503 grant_book_stale', () => {
    let current = true;
    const book = new GrantBook({ isCurrent: () => current, catchUp: () => undefined });
    const g = grant();
    book.put(g);
    assert.equal(book.liveGrant(g.userId, g.resourceId, T0 + MIN)?.id, g.id);
    current = false;
    const stale = (error: unknown) =>
      error instanceof JitgateError && error.status === 503 && error.code === 'grant_book_stale';
    assert.throws(() => book.liveGrant(g.userId, g.resourceId, T0 + MIN), stale);
    assert.throws(() => book.liveById(g.id, T0 + MIN), stale);
    current = true;
    assert.equal(book.liveById(g.id, T0 + MIN)?.id, g.id);
  });

  test('a sweep that finds the book maybe stale tells its stale listeners once it cannot catch up', async () => {
    let current = true;
    let caughtUp: Promise<void> = Promise.resolve();
    let catchUps = 0;
    const book = new GrantBook({
      isCurrent: () => current,
      catchUp: () => {
        catchUps++;
        return caughtUp;
      },
    });
    const g = grant();
    book.put(g);
    let told = 0;
    book.onStale(() => told++);
    const settled = () => new Promise((resolve) => setImmediate(resolve));

    book.sweep(T0 + MIN);
    await settled();
    assert.deepEqual([catchUps, told], [0, 0], 'current: nothing to confirm');

    // Only late (a busy database, a stalled event loop): the catch-up answers, nothing is cut.
    current = false;
    book.sweep(T0 + MIN);
    await settled();
    assert.deepEqual([catchUps, told], [1, 0]);

    // Cut off: the catch-up fails, and each sweep while it lasts cuts again.
    caughtUp = Promise.reject(new Error('the change feed is reconnecting'));
    caughtUp.catch(() => undefined);
    book.sweep(T0 + MIN + 250);
    await settled();
    book.sweep(T0 + MIN + 500);
    await settled();
    assert.deepEqual([catchUps, told], [3, 2]);
    assert.equal(book.get(g.id)?.id, g.id, 'the grants stay for when it is current again');
  });

  test('a hit answers at once; a miss looks again once the feed caught up', async () => {
    let catchUps = 0;
    let heard: GrantRecord | undefined;
    const book: GrantBook = new GrantBook({
      isCurrent: () => true,
      catchUp: () => {
        catchUps++;
        // What the feed brings in while it catches up: another replica's grant.
        if (heard) book.put(heard);
        return Promise.resolve();
      },
    });
    const held = grant();
    book.put(held);
    assert.equal(
      (book.findLiveGrant(held.userId, held.resourceId, () => T0 + MIN) as GrantRecord).id,
      held.id,
    );
    assert.equal(catchUps, 0, 'a hit never waits');

    heard = grant({ resourceId: 'ssh' });
    const found = book.findLiveGrant(heard.userId, 'ssh', () => T0 + MIN);
    assert.ok(found instanceof Promise, 'a miss waits for the feed');
    assert.equal((await found)?.id, heard.id);
    const byId = grant();
    heard = byId;
    assert.equal((await book.findLiveById(byId.id, () => T0 + MIN))?.id, byId.id);
    assert.equal(await book.findLiveById('grt_none', () => T0 + MIN), undefined);
    assert.equal(catchUps, 3);
  });

  test('a miss that could not catch up is "cannot tell" (503), not "no grant"', async () => {
    let current = true;
    const book = new GrantBook({
      isCurrent: () => current,
      catchUp: () => Promise.reject(new Error('the change feed is reconnecting')),
    });
    const stale = (error: unknown) =>
      error instanceof JitgateError && error.status === 503 && error.code === 'grant_book_stale';
    await assert.rejects(
      Promise.resolve(book.findLiveGrant('corp:alice', 'payroll', () => T0)),
      stale,
    );
    await assert.rejects(Promise.resolve(book.findLiveById('grt_none', () => T0)), stale);
    // Caught up, but stale by the time it looks again: the book's own 503.
    const late = new GrantBook({
      isCurrent: () => current,
      catchUp: () => {
        current = false;
        return Promise.resolve();
      },
    });
    await assert.rejects(
      Promise.resolve(late.findLiveGrant('corp:alice', 'payroll', () => T0)),
      stale,
    );
  });

  test('in one process a miss is answered at once', () => {
    const book = new GrantBook();
    assert.equal(
      book.findLiveGrant('demo:alice', 'payroll', () => T0),
      undefined,
    );
    assert.equal(
      book.findLiveById('grt_none', () => T0),
      undefined,
    );
  });

  test('replaceAll ends (as revoked) what the store no longer holds live, leaves run-out ones to the sweep', () => {
    const { book, ended } = recordingBook();
    const kept = grant();
    const revokedElsewhere = grant();
    const runOut = grant({ endsAt: T0 + MIN });
    const added = grant();
    [kept, revokedElsewhere, runOut].forEach((g) => book.put(g));
    book.replaceAll([kept, added], T0 + 2 * MIN);
    assert.deepEqual(ended, [[revokedElsewhere.id, 'revoked']]);
    assert.equal(book.get(added.id)?.id, added.id);
    assert.equal(book.get(revokedElsewhere.id), undefined);
    assert.equal(book.sweep(T0 + 2 * MIN), 1, 'the run-out grant is the sweep’s');
    assert.deepEqual(ended.at(-1), [runOut.id, 'expired']);
  });
});
