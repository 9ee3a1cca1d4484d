/**
 * Store.atomic: all of `work` commits or none of it does; the error `work` threw is the error
 * the caller gets; every store call `work` makes, however deeply awaited, is part of it; and
 * atomic work is serialized, so read-then-write work loses no update and the audit chain never
 * forks — across replicas too, where the backend has them.
 */
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import type { Store } from '../../../proxy/store/types.js';
import { T0, type ContractContext } from './context.js';
import { EVERY_GRANT } from '../every-grant.js';

/** Adds one to a person's MFA failure count by reading and then writing it. */
async function increment(store: Store, userId: string): Promise<void> {
  await store.atomic(async () => {
    const current = await store.mfa.getFailures(userId);
    await tick(); // give every other caller the chance to interleave
    await store.mfa.putFailures({ userId, count: (current?.count ?? 0) + 1, lockedUntil: null });
  });
}

export function atomicContract(c: ContractContext): void {
  void describe('atomic', () => {
    void test('commits every write of work together and answers what work returned', async () => {
      const user = c.newUser();
      const grant = c.newGrant(user.id);
      const setting = c.unique('setting');
      const answer = await c.store().atomic(async () => {
        await c.store().users.upsert(user);
        await c.store().grants.insert(grant);
        await c.store().settings.putIfAbsent(setting, 'kept');
        return { ok: 42 };
      });
      assert.deepEqual(answer, { ok: 42 });
      assert.deepEqual(await c.store().grants.get(grant.id), grant);
      assert.equal(await c.store().settings.get(setting), 'kept');
    });

    void test('rolls back every write when work throws, and throws exactly that error', async () => {
      const user = c.newUser();
      const grant = c.newGrant(user.id);
      const setting = c.unique('setting');
      const lastBefore = await c.store().audit.last();
      const failure = new Error('the action failed after writing');
      const log = new AuditLog(c.store().audit, c.store(), () => T0);
      await assert.rejects(
        c.store().atomic(async () => {
          await c.store().users.upsert(user);
          await c.store().grants.insert(grant);
          await c.store().settings.putIfAbsent(setting, 'lost');
          await log.append({ code: 'grant.started', actor: 'system', target: grant.id });
          throw failure;
        }),
        (error) => error === failure,
      );
      assert.equal(await c.store().users.get(user.id), undefined);
      assert.equal(await c.store().grants.get(grant.id), undefined);
      assert.equal(await c.store().settings.get(setting), undefined);
      assert.deepEqual(await c.store().audit.last(), lastBefore);
    });

    void test('a statement that fails inside work undoes what came before; its error is thrown', async () => {
      const grant = await c.storedGrant();
      const setting = c.unique('setting');
      let thrown: unknown;
      await assert.rejects(
        c.store().atomic(async () => {
          await c.store().settings.putIfAbsent(setting, 'lost');
          try {
            await c.store().grants.insert(grant); // the id is taken
          } catch (error) {
            thrown = error;
            throw error;
          }
        }),
        (error) => error === thrown,
      );
      assert.equal(await c.store().settings.get(setting), undefined);
    });

    void test('calls inside work, however deeply awaited, are part of it', async () => {
      const user = c.newUser();
      const grants = [c.newGrant(user.id), c.newGrant(user.id), c.newGrant(user.id)];
      const deep = async (depth: number): Promise<void> => {
        await tick();
        if (depth > 0) return deep(depth - 1);
        await Promise.all(grants.map((g) => c.store().grants.insert(g)));
      };
      const seen = await c.store().atomic(async () => {
        await c.store().users.upsert(user);
        await deep(3);
        // Reads inside see the transaction's own writes.
        return (await c.store().grants.listForUser(user.id, EVERY_GRANT)).length;
      });
      assert.equal(seen, 3);
      assert.equal((await c.store().grants.listForUser(user.id, EVERY_GRANT)).length, 3);

      const other = c.newUser();
      await assert.rejects(
        c.store().atomic(async () => {
          await c.store().users.upsert(other);
          await Promise.all([tick().then(() => c.store().grants.insert(c.newGrant(other.id)))]);
          throw new Error('undo');
        }),
        /undo/,
      );
      assert.equal(await c.store().users.get(other.id), undefined);
      assert.deepEqual(await c.store().grants.listForUser(other.id, EVERY_GRANT), []);
    });

    void test('the store serves on after rollbacks', async () => {
      for (let i = 0; i < 3; i++)
        await assert.rejects(
          c.store().atomic(async () => {
            await c.store().settings.putIfAbsent(c.unique('setting'), 'x');
            throw new Error('again');
          }),
        );
      const setting = c.unique('setting');
      await c.store().atomic(() => c.store().settings.putIfAbsent(setting, 'fine'));
      assert.equal(await c.store().settings.get(setting), 'fine');
    });

    void test('concurrent read-then-write work loses no update', async () => {
      const user = await c.storedUser();
      const stores = [c.store(), c.replica() ?? c.store()];
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => increment(stores[i % 2] as Store, user.id)),
      );
      assert.equal((await c.store().mfa.getFailures(user.id))?.count, 40);
    });

    void test('many concurrent audited actions form one chain that verifies', async () => {
      const stores = [c.store(), c.replica() ?? c.store()];
      const logs = stores.map((s) => new AuditLog(s.audit, s, Date.now));
      const before = (await c.store().audit.last())?.seq ?? 0;
      const actor = c.unique('actor');
      const count = 200;
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          (logs[i % 2] as AuditLog).record({
            code: 'grant.started',
            actor,
            target: `grt-${i}`,
            data: { i },
          }),
        ),
      );
      assert.equal((await c.store().audit.last())?.seq, before + count);
      const ours = await c.store().audit.list({ actor, limit: 1000 });
      assert.deepEqual(
        ours.map((e) => e.seq),
        ours.map((_, i) => before + 1 + i),
      );
      const result = await (logs[0] as AuditLog).verify();
      assert.equal(result.ok, true, JSON.stringify(result));
    });

    if (!c.hasReplica) return; // one store alone has no "elsewhere"
    void test('nothing of a transaction is seen elsewhere before it commits', async () => {
      const replica = c.replica() as Store;
      const setting = c.unique('setting');
      await c.store().atomic(async () => {
        await c.store().settings.putIfAbsent(setting, 'pending');
        assert.equal(await replica.settings.get(setting), undefined);
      });
      assert.equal(await replica.settings.get(setting), 'pending');
    });
  });
}
