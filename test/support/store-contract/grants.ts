/** GrantRepository: records round-trip, revoke once, live and per-person lists. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GrantRecord } from '../../../proxy/store/types.js';
import { MIN, T0, type ContractContext } from './context.js';

export function grantContract(c: ContractContext): void {
  void describe('grants', () => {
    void test('insert then get gives the same record back', async () => {
      const user = await c.storedUser();
      const grant = c.newGrant(user.id);
      await c.store().grants.insert(grant);
      assert.deepEqual(await c.store().grants.get(grant.id), grant);
    });

    void test('null reason and non-ASCII text round-trip; times stay numbers', async () => {
      const user = await c.storedUser();
      const plain = c.newGrant(user.id, { reason: null });
      const fancy = c.newGrant(user.id, { reason: 'Zoë needs it ✓ "quoted"; --' });
      await c.store().grants.insert(plain);
      await c.store().grants.insert(fancy);
      assert.deepEqual(await c.store().grants.get(plain.id), plain);
      const read = await c.store().grants.get(fancy.id);
      assert.deepEqual(read, fancy);
      assert.equal(typeof read?.endsAt, 'number');
    });

    void test('inserting an id twice is refused and keeps the first', async () => {
      const user = await c.storedUser();
      const grant = c.newGrant(user.id);
      await c.store().grants.insert(grant);
      await assert.rejects(c.store().grants.insert({ ...grant, resourceId: 'orders' }));
      assert.equal((await c.store().grants.get(grant.id))?.resourceId, 'payroll');
    });

    void test('get of an unknown id is undefined', async () => {
      assert.equal(await c.store().grants.get(c.unique('grt')), undefined);
    });

    void test('revoke marks the grant once and returns it', async () => {
      const user = await c.storedUser();
      const grant = c.newGrant(user.id);
      await c.store().grants.insert(grant);
      const revoked = await c.store().grants.revoke(grant.id, 'bob', T0 + 5 * MIN);
      assert.deepEqual(revoked, { ...grant, revokedAt: T0 + 5 * MIN, revokedBy: 'bob' });
      assert.deepEqual(await c.store().grants.get(grant.id), revoked);
      // A second revoke changes nothing and returns the grant as first revoked.
      assert.deepEqual(await c.store().grants.revoke(grant.id, 'carol', T0 + 9 * MIN), revoked);
      assert.deepEqual(await c.store().grants.get(grant.id), revoked);
    });

    void test('revoke of an unknown id is undefined', async () => {
      assert.equal(await c.store().grants.revoke(c.unique('grt'), 'bob', T0), undefined);
    });

    void test('listLive: unrevoked grants that end after now, scheduled ones included', async () => {
      const user = await c.storedUser();
      const now = T0 + 10 * MIN;
      const live = c.newGrant(user.id);
      const scheduled = c.newGrant(user.id, { startsAt: T0 + 60 * MIN, endsAt: T0 + 90 * MIN });
      const endsNow = c.newGrant(user.id, { endsAt: now });
      const ended = c.newGrant(user.id, { endsAt: now - 1 });
      const revoked = c.newGrant(user.id, { revokedAt: T0 + MIN, revokedBy: 'bob' });
      for (const g of [live, scheduled, endsNow, ended, revoked]) await c.store().grants.insert(g);
      const ours = new Set([live, scheduled, endsNow, ended, revoked].map((g) => g.id));
      const listed = (await c.store().grants.listLive(now)).filter((g) => ours.has(g.id));
      const byId = (a: GrantRecord, b: GrantRecord) => a.id.localeCompare(b.id);
      assert.deepEqual(listed.sort(byId), [live, scheduled].sort(byId));
    });

    void test('listLive leaves out a grant once revoked', async () => {
      const user = await c.storedUser();
      const grant = c.newGrant(user.id);
      await c.store().grants.insert(grant);
      const isListed = async () =>
        (await c.store().grants.listLive(T0)).some((g) => g.id === grant.id);
      assert.equal(await isListed(), true);
      await c.store().grants.revoke(grant.id, 'bob', T0 + MIN);
      assert.equal(await isListed(), false);
    });

    void test("listForUser: a person's grants and only theirs, newest first", async () => {
      const alice = await c.storedUser();
      const bob = await c.storedUser();
      const a1 = c.newGrant(alice.id);
      const a2 = c.newGrant(alice.id, { resourceId: 'orders', createdAt: T0 + MIN });
      const a3 = c.newGrant(alice.id, { endsAt: T0 + 1, createdAt: T0 + 2 * MIN });
      const b1 = c.newGrant(bob.id);
      for (const g of [a1, a2, a3, b1]) await c.store().grants.insert(g);
      await c.store().grants.revoke(a2.id, 'bob', T0 + 3 * MIN);
      const listed = await c.store().grants.listForUser(alice.id, { now: T0, recent: 10 });
      assert.deepEqual(
        listed.map((g) => g.id),
        [a3.id, a2.id, a1.id],
      );
      assert.equal(listed.find((g) => g.id === a2.id)?.revokedBy, 'bob');
      const nobody = await c
        .store()
        .grants.listForUser(c.unique('nobody'), { now: T0, recent: 10 });
      assert.deepEqual(nobody, []);
    });

    void test('listForUser: every grant not yet ended, and only the `recent` newest of the rest', async () => {
      const user = await c.storedUser();
      const now = T0 + 60 * MIN;
      // The oldest is still active (a week long) and one starts later: both are read however
      // many grants came after them; of the ended ones only the newest two are.
      const active = c.newGrant(user.id, { createdAt: T0, endsAt: T0 + 7 * 24 * 60 * MIN });
      const scheduled = c.newGrant(user.id, {
        createdAt: T0 + MIN,
        startsAt: now + MIN,
        endsAt: now + 30 * MIN,
      });
      const ended = [2, 3, 4, 5].map((n) =>
        c.newGrant(user.id, { createdAt: T0 + n * MIN, endsAt: T0 + 10 * MIN }),
      );
      const revoked = c.newGrant(user.id, { createdAt: T0 + 6 * MIN });
      for (const g of [active, scheduled, ...ended, revoked]) await c.store().grants.insert(g);
      await c.store().grants.revoke(revoked.id, 'bob', T0 + 7 * MIN);
      const listed = await c.store().grants.listForUser(user.id, { now, recent: 2 });
      assert.deepEqual(
        listed.map((g) => g.id),
        [revoked.id, ended[3]?.id, scheduled.id, active.id],
      );
    });

    void test('claimExpired hands each ended, unrevoked grant out once, in end order', async () => {
      // Ends near the epoch, so no other grant of a shared database has ended by then.
      const user = await c.storedUser();
      const later = c.newGrant(user.id, { startsAt: 0, endsAt: 2_000 });
      const first = c.newGrant(user.id, { startsAt: 0, endsAt: 1_000 });
      const revoked = c.newGrant(user.id, { startsAt: 0, endsAt: 1_500 });
      const live = c.newGrant(user.id, { startsAt: 0, endsAt: 2_001 });
      for (const g of [later, first, revoked, live]) await c.store().grants.insert(g);
      await c.store().grants.revoke(revoked.id, 'bob', 1_200);
      const claimed = await c.store().grants.claimExpired(2_000);
      assert.deepEqual(
        claimed.map((g) => g.id),
        [first.id, later.id],
      );
      assert.deepEqual(claimed[0], first);
      assert.deepEqual(await c.store().grants.claimExpired(2_000), []);
      assert.deepEqual(
        (await c.store().grants.claimExpired(2_001)).map((g) => g.id),
        [live.id],
      );
    });

    void test('of two replicas claiming together, each expiry goes to one', async () => {
      const replica = c.replica();
      if (!replica) return;
      const user = await c.storedUser();
      const grants = Array.from({ length: 6 }, (_, i) =>
        c.newGrant(user.id, { startsAt: 0, endsAt: 3_000 + i }),
      );
      for (const g of grants) await c.store().grants.insert(g);
      const [a, b] = await Promise.all([
        c.store().grants.claimExpired(3_010),
        replica.grants.claimExpired(3_010),
      ]);
      const ids = [...a, ...b].map((g) => g.id).sort();
      assert.deepEqual(ids, grants.map((g) => g.id).sort());
    });

    void test('claimStarted hands out each scheduled start once, when it comes; made-live grants never', async () => {
      // Starts near the epoch, so no other grant of a shared database starts by then.
      const user = await c.storedUser();
      const now = c.newGrant(user.id, { startsAt: 100, endsAt: 9_000, createdAt: 100 });
      const later = c.newGrant(user.id, { startsAt: 2_000, endsAt: 9_000, createdAt: 100 });
      const sooner = c.newGrant(user.id, { startsAt: 1_000, endsAt: 9_000, createdAt: 100 });
      const revoked = c.newGrant(user.id, { startsAt: 1_500, endsAt: 9_000, createdAt: 100 });
      const future = c.newGrant(user.id, { startsAt: 2_001, endsAt: 9_000, createdAt: 100 });
      for (const g of [now, later, sooner, revoked, future]) await c.store().grants.insert(g);
      await c.store().grants.revoke(revoked.id, 'bob', 1_200);
      const claimed = await c.store().grants.claimStarted(2_000);
      assert.deepEqual(
        claimed.map((g) => g.id),
        [sooner.id, later.id],
      );
      assert.deepEqual(claimed[0], sooner);
      assert.deepEqual(await c.store().grants.claimStarted(2_000), []);
      assert.deepEqual(
        (await c.store().grants.claimStarted(2_001)).map((g) => g.id),
        [future.id],
      );
    });

    void test('of two replicas claiming starts together, each start goes to one', async () => {
      const replica = c.replica();
      if (!replica) return;
      const user = await c.storedUser();
      const grants = Array.from({ length: 6 }, (_, i) =>
        c.newGrant(user.id, { startsAt: 3_000 + i, endsAt: 90_000, createdAt: 10 }),
      );
      for (const g of grants) await c.store().grants.insert(g);
      const [a, b] = await Promise.all([
        c.store().grants.claimStarted(3_010),
        replica.grants.claimStarted(3_010),
      ]);
      const ids = [...a, ...b].map((g) => g.id).sort();
      assert.deepEqual(ids, grants.map((g) => g.id).sort());
    });

    void test('listInPeriod: grants open at some moment of the period, by resource or person', async () => {
      const alice = await c.storedUser();
      const bob = await c.storedUser();
      const resourceId = c.unique('res');
      const grant = (userId: string, startsAt: number, endsAt: number, revokedAt?: number) =>
        c.newGrant(userId, {
          resourceId,
          startsAt,
          endsAt,
          ...(revokedAt !== undefined ? { revokedAt, revokedBy: 'bob' } : {}),
        });
      const from = T0 + 10 * MIN;
      const to = T0 + 20 * MIN;
      const before = grant(alice.id, T0 - 30 * MIN, T0 + 5 * MIN);
      const endsAtFrom = grant(alice.id, T0, from);
      const runsInto = grant(alice.id, T0, T0 + 15 * MIN);
      const inside = grant(bob.id, T0 + 12 * MIN, T0 + 14 * MIN);
      const revokedBefore = grant(alice.id, T0, T0 + 60 * MIN, T0 + 5 * MIN);
      const revokedDuring = grant(bob.id, T0 + MIN, T0 + 60 * MIN, T0 + 11 * MIN);
      const startsAtTo = grant(alice.id, to, to + MIN);
      const elsewhere = c.newGrant(alice.id, { resourceId: c.unique('res'), startsAt: from });
      const all = [before, endsAtFrom, runsInto, inside, revokedBefore, revokedDuring, startsAtTo];
      for (const g of [...all, elsewhere]) await c.store().grants.insert(g);
      const ids = async (filter: { resourceId?: string; userId?: string; limit?: number }) =>
        (await c.store().grants.listInPeriod({ from, to, limit: 100, ...filter })).map((g) => g.id);
      assert.deepEqual(await ids({ resourceId }), [runsInto.id, revokedDuring.id, inside.id]);
      assert.deepEqual(await ids({ resourceId, userId: alice.id }), [runsInto.id]);
      assert.deepEqual(await ids({ userId: bob.id }), [revokedDuring.id, inside.id]);
      assert.deepEqual(await ids({ resourceId, limit: 1 }), [runsInto.id]);
    });

    void test('claimExpiry: one claimer of an ended grant wins, across replicas; none before its end or after a revoke', async () => {
      const grant = await c.storedGrant({ startsAt: T0, endsAt: T0 + MIN });
      assert.equal(
        await c.store().grants.claimExpiry(grant.id, T0 + MIN - 1),
        false,
        'not ended yet',
      );
      const other = c.replica() ?? c.store();
      const claims = await Promise.all([
        c.store().grants.claimExpiry(grant.id, T0 + MIN),
        other.grants.claimExpiry(grant.id, T0 + MIN),
        c.store().grants.claimExpiry(grant.id, T0 + MIN + 1),
      ]);
      assert.deepEqual(claims.filter(Boolean).length, 1, 'exactly one claim');
      const revoked = await c.storedGrant({ startsAt: T0, endsAt: T0 + MIN });
      await c.store().grants.revoke(revoked.id, 'admin', T0 + 1);
      assert.equal(
        await c.store().grants.claimExpiry(revoked.id, T0 + MIN),
        false,
        'revoked, not expired',
      );
      assert.equal(await c.store().grants.claimExpiry(c.unique('grt'), T0 + MIN), false);
    });
  });
}
