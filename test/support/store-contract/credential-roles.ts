/** CredentialRoleRepository (the reaper's ledger): standing roles, a grant's role, drop once. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CredentialRoleRecord } from '../../../proxy/credentials/role-record.js';
import { MIN, T0, type ContractContext } from './context.js';

export function credentialRoleContract(c: ContractContext): void {
  const role = (overrides: Partial<CredentialRoleRecord> = {}): CredentialRoleRecord => ({
    role: c.unique('jg_role').replace(/-/g, '_'),
    resourceId: 'orders-db',
    grantId: c.unique('grt'),
    userId: c.unique('machine:ci'),
    createdAt: T0,
    validUntil: T0 + 10 * MIN,
    droppedAt: null,
    ...overrides,
  });

  void describe('credential roles', () => {
    void test('standing roles are listed oldest first until dropped, once', async () => {
      const older = role({ createdAt: T0 - MIN });
      const newer = role();
      const dropped = role({ droppedAt: T0 });
      for (const r of [newer, dropped, older]) await c.store().credentialRoles.insert(r);
      const ours = new Set([older, newer, dropped].map((r) => r.role));
      const standing = async () =>
        (await c.store().credentialRoles.listStanding()).filter((r) => ours.has(r.role));
      assert.deepEqual(await standing(), [older, newer]);
      await c.store().credentialRoles.markDropped(older.role, T0 + MIN);
      await c.store().credentialRoles.markDropped(older.role, T0 + 2 * MIN);
      assert.deepEqual(await standing(), [newer]);
      await c.store().credentialRoles.markDropped(c.unique('jg_none'), T0);
    });

    void test("forGrant: the grant's newest standing role", async () => {
      const first = role();
      const second = role({ grantId: first.grantId, createdAt: T0 + MIN });
      for (const r of [first, second]) await c.store().credentialRoles.insert(r);
      assert.deepEqual(await c.store().credentialRoles.forGrant(first.grantId), second);
      await c.store().credentialRoles.markDropped(second.role, T0 + 2 * MIN);
      assert.deepEqual(await c.store().credentialRoles.forGrant(first.grantId), first);
      await c.store().credentialRoles.markDropped(first.role, T0 + 2 * MIN);
      assert.equal(await c.store().credentialRoles.forGrant(first.grantId), undefined);
    });

    void test('one claimant at a time may drop a role, until its claim lapses or is given back', async () => {
      const ledger = c.store().credentialRoles;
      const r = role();
      await ledger.insert(r);
      const until = T0 + MIN;
      assert.equal(await ledger.claimDrop(r.role, 'replica-a', T0, until), true);
      assert.equal(await ledger.claimDrop(r.role, 'replica-b', T0 + 1, T0 + MIN + 1), false);
      // Its own claim does not stand in its way (a second pass of the same replica).
      assert.equal(await ledger.claimDrop(r.role, 'replica-a', T0 + 2, until), true);
      // A lapsed claim (the claimant crashed mid-drop) is free to take.
      assert.equal(await ledger.claimDrop(r.role, 'replica-b', until, until + MIN), true);
      // Given back by someone who does not hold it: nothing changes.
      await ledger.releaseDrop(r.role, 'replica-a');
      assert.equal(await ledger.claimDrop(r.role, 'replica-a', until + 1, until + 2 * MIN), false);
      // Given back by its holder (its DROP failed): free at once.
      await ledger.releaseDrop(r.role, 'replica-b');
      assert.equal(await ledger.claimDrop(r.role, 'replica-a', until + 1, until + 2 * MIN), true);
      await ledger.markDropped(r.role, until + 2);
      assert.equal(await ledger.claimDrop(r.role, 'replica-a', until + 3, until + 2 * MIN), false);
      assert.equal(await ledger.claimDrop(c.unique('jg_none'), 'replica-a', T0, until), false);
    });

    void test('of claimants racing for a role, exactly one wins', async () => {
      const r = role();
      await c.store().credentialRoles.insert(r);
      const wins = await Promise.all(
        ['replica-a', 'replica-b', 'replica-c'].map((who) =>
          c.store().credentialRoles.claimDrop(r.role, who, T0, T0 + MIN),
        ),
      );
      assert.equal(wins.filter(Boolean).length, 1);
    });

    void test('a role name is recorded once', async () => {
      const r = role();
      await c.store().credentialRoles.insert(r);
      await assert.rejects(c.store().credentialRoles.insert({ ...r, grantId: c.unique('grt') }));
    });
  });
}
