/**
 * Store.exclusive: a job runs where it is asked, and while it runs on one replica the same job
 * asked of another replica is skipped (resolves false); once it is over, it runs again anywhere.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContractContext } from './context.js';

export function exclusiveContract(c: ContractContext): void {
  void describe('exclusive', () => {
    void test('runs the job and resolves true; a job that throws rejects and frees the job', async () => {
      let ran = 0;
      assert.equal(await c.store().exclusive('reaper', async () => void ran++), true);
      assert.equal(ran, 1);
      await assert.rejects(c.store().exclusive('reaper', () => Promise.reject(new Error('x'))));
      assert.equal(await c.store().exclusive('reaper', async () => void ran++), true);
      assert.equal(ran, 2);
    });

    void test('while one replica runs a job, the other skips it (another job still runs)', async (t) => {
      const other = c.replica();
      if (!other) return t.diagnostic('one process: nothing to exclude');
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered = () => {};
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const first = c.store().exclusive('retention', async () => {
        entered();
        await held;
      });
      await inside;
      assert.equal(await other.exclusive('retention', () => Promise.resolve()), false);
      assert.equal(await other.exclusive('reaper', () => Promise.resolve()), true);
      release();
      assert.equal(await first, true);
      assert.equal(await other.exclusive('retention', () => Promise.resolve()), true);
    });
  });
}
