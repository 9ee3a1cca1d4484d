/**
 * RateLimitRepository: per-key counts in fixed windows, one atomic hit each, on any replica; a
 * hit guarded by another key's limit is one call too.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MIN, T0, type ContractContext } from './context.js';

export function rateLimitContract(c: ContractContext): void {
  void describe('rate limits', () => {
    const limits = () => c.store().rateLimits;

    void test('counts hits in a window that starts at the first one', async () => {
      const key = c.unique('client');
      assert.deepEqual(await limits().hit(key, MIN, T0), { count: 1, resetAt: T0 + MIN });
      assert.deepEqual(await limits().hit(key, MIN, T0 + 1000), { count: 2, resetAt: T0 + MIN });
      assert.deepEqual(await limits().peek(key, T0 + 2000), { count: 2, resetAt: T0 + MIN });
      assert.equal(await limits().peek(c.unique('client'), T0), undefined);
    });

    void test('a window that ended starts over at the next hit', async () => {
      const key = c.unique('client');
      await limits().hit(key, MIN, T0);
      await limits().hit(key, MIN, T0);
      assert.equal(await limits().peek(key, T0 + MIN), undefined, 'ended');
      assert.deepEqual(await limits().hit(key, MIN, T0 + MIN), {
        count: 1,
        resetAt: T0 + 2 * MIN,
      });
    });

    void test('concurrent hits are each counted once', async () => {
      const key = c.unique('client');
      const counts = await Promise.all(
        Array.from({ length: 40 }, () => limits().hit(key, MIN, T0)),
      );
      assert.deepEqual(
        counts.map((h) => h.count).sort((x, y) => x - y),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    });

    void test('hits on two replicas count against one number', async () => {
      const replica = c.replica();
      if (!replica) return;
      const key = c.unique('client');
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? replica : c.store()).rateLimits.hit(key, MIN, T0),
        ),
      );
      assert.equal(Math.max(...counts.map((h) => h.count)), 20);
      assert.equal((await c.store().rateLimits.peek(key, T0))?.count, 20);
    });

    void test('a guarded hit counts while the guard has events left in its window', async () => {
      const key = c.unique('client');
      const guard = { key: c.unique('client'), max: 2 };
      assert.deepEqual(await limits().hitUnlessSpent(key, MIN, T0, guard), {
        hit: { count: 1, resetAt: T0 + MIN },
      });
      await limits().hit(guard.key, MIN, T0);
      assert.deepEqual(await limits().hitUnlessSpent(key, MIN, T0 + 1000, guard), {
        hit: { count: 2, resetAt: T0 + MIN },
      });
    });

    void test('a guarded hit counts nothing once the guard used up its window', async () => {
      const key = c.unique('client');
      const guard = { key: c.unique('client'), max: 2 };
      await limits().hit(guard.key, MIN, T0);
      await limits().hit(guard.key, MIN, T0);
      assert.deepEqual(await limits().hitUnlessSpent(key, 10 * MIN, T0 + 1000, guard), {
        spent: { count: 2, resetAt: T0 + MIN },
      });
      assert.equal(await limits().peek(key, T0 + 1000), undefined, 'not counted');
      assert.deepEqual(await limits().hitUnlessSpent(key, 10 * MIN, T0 + MIN, guard), {
        hit: { count: 1, resetAt: T0 + 11 * MIN },
      });
    });

    void test('concurrent guarded hits are each counted once, on two replicas', async () => {
      const replica = c.replica() ?? c.store();
      const key = c.unique('client');
      const guard = { key: c.unique('client'), max: 1 };
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? replica : c.store()).rateLimits.hitUnlessSpent(key, MIN, T0, guard),
        ),
      );
      assert.deepEqual(
        results.map((r) => ('hit' in r ? r.hit.count : 0)).sort((x, y) => x - y),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    void test('purgeExpired deletes ended windows only', async () => {
      const ended = c.unique('client');
      const live = c.unique('client');
      // Far in the past: the suite may share its database with other data.
      const long = T0 - 1000 * MIN;
      await limits().hit(ended, MIN, long);
      await limits().hit(live, 2000 * MIN, long);
      assert.ok((await limits().purgeExpired(long + MIN)) >= 1);
      assert.equal(await limits().peek(ended, long), undefined);
      assert.equal((await limits().peek(live, long + MIN))?.count, 1);
    });
  });
}
