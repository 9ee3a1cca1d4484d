/**
 * DeliveryRepository (the webhook outbox): deliveries round-trip, `due` selects what is neither
 * delivered nor given up and whose time has come, oldest first. Times near the epoch keep other
 * tests' deliveries out of the way in a shared database.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WebhookDelivery } from '../../../proxy/notify/delivery-record.js';
import type { ContractContext } from './context.js';

export function deliveryContract(c: ContractContext): void {
  const delivery = (overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
    id: c.unique('dlv'),
    webhookId: 'slack',
    type: 'grant.started',
    body: JSON.stringify({ text: 'Zoë got payroll ✓' }),
    createdAt: 1_000,
    attempts: 0,
    nextAttemptAt: 1_000,
    deliveredAt: null,
    failedAt: null,
    lastError: null,
    ...overrides,
  });

  void describe('deliveries', () => {
    void test('insert then get gives the same delivery back; unknown ids are undefined', async () => {
      const d = delivery({ lastError: 'HTTP 500', attempts: 2 });
      await c.store().deliveries.insert(d);
      assert.deepEqual(await c.store().deliveries.get(d.id), d);
      assert.equal(await c.store().deliveries.get(c.unique('dlv')), undefined);
      await assert.rejects(c.store().deliveries.insert(d));
    });

    void test('update writes attempts, next attempt, outcome and error', async () => {
      const d = delivery();
      await c.store().deliveries.insert(d);
      const retried = { ...d, attempts: 1, nextAttemptAt: 5_000, lastError: 'timeout' };
      await c.store().deliveries.update(retried);
      assert.deepEqual(await c.store().deliveries.get(d.id), retried);
      const delivered = { ...retried, attempts: 2, deliveredAt: 6_000, lastError: null };
      await c.store().deliveries.update(delivered);
      assert.deepEqual(await c.store().deliveries.get(d.id), delivered);
    });

    void test('due: open deliveries whose next attempt is at or before now, oldest first', async () => {
      const now = 2_000;
      const early = delivery({ nextAttemptAt: 1_100 });
      const onTime = delivery({ nextAttemptAt: now });
      const later = delivery({ nextAttemptAt: now + 1 });
      const delivered = delivery({ nextAttemptAt: 1_200, deliveredAt: 1_300 });
      const failed = delivery({ nextAttemptAt: 1_200, failedAt: 1_300 });
      for (const d of [onTime, later, delivered, failed, early])
        await c.store().deliveries.insert(d);
      const ours = new Set([early, onTime, later, delivered, failed].map((d) => d.id));
      const due = (await c.store().deliveries.due(now, 500)).filter((d) => ours.has(d.id));
      assert.deepEqual(due, [early, onTime]);
      const first = await c.store().deliveries.due(now, 1);
      assert.equal(first.length, 1);
      for (const d of [early, onTime])
        await c.store().deliveries.update({ ...d, deliveredAt: now });
    });

    void test('claimDue: each due delivery goes to one claimer, leased until the given time', async () => {
      const now = 3_000;
      const lease = 90_000;
      const mine = Array.from({ length: 12 }, (_, i) => delivery({ nextAttemptAt: 2_500 + i }));
      for (const d of mine) await c.store().deliveries.insert(d);
      const ours = new Set(mine.map((d) => d.id));
      // Two claimers at once (the second replica where the backend has one).
      const other = c.replica() ?? c.store();
      const [x, y] = await Promise.all([
        c.store().deliveries.claimDue(now, 500, lease),
        other.deliveries.claimDue(now, 500, lease),
      ]);
      const claimed = [...x, ...y].filter((d) => ours.has(d.id));
      assert.equal(claimed.length, mine.length, 'every delivery was claimed');
      assert.equal(new Set(claimed.map((d) => d.id)).size, mine.length, 'and none twice');
      assert.ok(claimed.every((d) => d.nextAttemptAt === lease));
      const again = await c.store().deliveries.claimDue(now, 500, lease);
      assert.equal(again.filter((d) => ours.has(d.id)).length, 0, 'a leased delivery is not due');
      const afterLease = await c.store().deliveries.claimDue(lease, 500, lease + 1);
      assert.equal(afterLease.filter((d) => ours.has(d.id)).length, mine.length);
      for (const d of mine) await c.store().deliveries.update({ ...d, deliveredAt: now });
    });
  });
}
