/**
 * BreakGlassRepository and break-glass grants: records round-trip, the grant keeps its mark, a
 * review and an overdue flag each happen once even when two replicas race for them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BreakGlassRecord } from '../../../proxy/access/break-glass-record.js';
import { MIN, T0, type ContractContext } from './context.js';
import { EVERY_GRANT } from '../every-grant.js';

export function breakGlassContract(c: ContractContext): void {
  const stored = async (overrides: Partial<BreakGlassRecord> = {}) => {
    const grant = await c.storedGrant({ breakGlass: true, createdAt: overrides.createdAt ?? T0 });
    const record: BreakGlassRecord = {
      grantId: grant.id,
      userId: grant.userId,
      resourceId: grant.resourceId,
      policyId: 'prod-emergency',
      incident: 'INC-1234',
      reason: 'database on fire ✓',
      createdAt: T0,
      reviewDueAt: T0 + 60 * MIN,
      overdueFlaggedAt: null,
      review: null,
      ...overrides,
    };
    await c.store().breakGlass.insert(record);
    return record;
  };
  const review = (reviewerId: string, at: number) => ({
    reviewerId,
    verdict: 'justified' as const,
    comment: 'the incident needed it',
    at,
  });

  void describe('break-glass', () => {
    void test('a break-glass grant keeps its mark; an ordinary grant has none', async () => {
      const marked = await c.storedGrant({ breakGlass: true });
      const plain = await c.storedGrant();
      assert.equal((await c.store().grants.get(marked.id))?.breakGlass, true);
      assert.equal('breakGlass' in ((await c.store().grants.get(plain.id)) ?? {}), false);
      const listed = await c.store().grants.listForUser(marked.userId, EVERY_GRANT);
      assert.deepEqual(listed, [marked]);
    });

    void test('insert then get gives the same record back', async () => {
      const record = await stored();
      assert.deepEqual(await c.store().breakGlass.get(record.grantId), record);
      assert.equal(await c.store().breakGlass.get(c.unique('grt')), undefined);
    });

    void test('a review is recorded once; a second one changes nothing', async () => {
      const record = await stored();
      const first = await c.store().breakGlass.review(record.grantId, review('bob', T0 + MIN));
      assert.deepEqual(first, { ...record, review: review('bob', T0 + MIN) });
      assert.equal(
        await c.store().breakGlass.review(record.grantId, review('dave', T0 + 2 * MIN)),
        undefined,
      );
      assert.deepEqual(await c.store().breakGlass.get(record.grantId), first);
      assert.equal(
        await c.store().breakGlass.review(c.unique('grt'), review('bob', T0)),
        undefined,
      );
    });

    void test('two replicas reviewing at once: exactly one wins', async () => {
      const record = await stored();
      const other = c.replica() ?? c.store();
      const results = await Promise.all([
        c.store().breakGlass.review(record.grantId, review('bob', T0 + MIN)),
        other.breakGlass.review(record.grantId, review('dave', T0 + MIN)),
      ]);
      assert.equal(results.filter((r) => r !== undefined).length, 1);
    });

    void test('unreviewed records are listed until reviewed; created ones by period', async () => {
      const early = await stored({ createdAt: T0 - 10 * MIN, reviewDueAt: T0 });
      const late = await stored({ createdAt: T0 + 10 * MIN, reviewDueAt: T0 + 70 * MIN });
      const mine = (list: BreakGlassRecord[]) =>
        list.filter((r) => r.grantId === early.grantId || r.grantId === late.grantId);
      assert.deepEqual(mine(await c.store().breakGlass.listUnreviewed()), [early, late]);
      await c.store().breakGlass.review(early.grantId, review('bob', T0 + MIN));
      assert.deepEqual(mine(await c.store().breakGlass.listUnreviewed()), [late]);
      const period = await c.store().breakGlass.listCreated(T0 - 10 * MIN, T0 + 10 * MIN);
      assert.deepEqual(
        mine(period).map((r) => r.grantId),
        [early.grantId],
      );
    });

    void test('overdue reviews are flagged once, across replicas; reviewed ones never', async () => {
      const due = await stored({ reviewDueAt: T0 + 5 * MIN });
      const notYet = await stored({ reviewDueAt: T0 + 500 * MIN });
      const reviewed = await stored({ reviewDueAt: T0 + 5 * MIN });
      await c.store().breakGlass.review(reviewed.grantId, review('bob', T0 + MIN));
      const other = c.replica() ?? c.store();
      const [a, b] = await Promise.all([
        c.store().breakGlass.flagOverdue(T0 + 6 * MIN),
        other.breakGlass.flagOverdue(T0 + 6 * MIN),
      ]);
      const ours = [...a, ...b].filter((r) =>
        [due.grantId, notYet.grantId, reviewed.grantId].includes(r.grantId),
      );
      assert.deepEqual(ours, [{ ...due, overdueFlaggedAt: T0 + 6 * MIN }]);
      const again = await c.store().breakGlass.flagOverdue(T0 + 7 * MIN);
      assert.equal(
        again.some((r) => r.grantId === due.grantId),
        false,
      );
    });
  });
}
