/**
 * MfaRepository: factors of several types per person, confirmation once, time steps that only
 * move forward (the replay guard is the UPDATE itself), recovery codes used once and only by
 * their owner, the failure counter, and factors tied to known users of known types.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { MfaFactor } from '../../../proxy/identity/mfa/factor-record.js';
import type { UserRecord } from '../../../proxy/store/types.js';
import { T0, type ContractContext } from './context.js';

export function mfaContract(c: ContractContext): void {
  let alice: UserRecord;
  let bob: UserRecord;
  const factor = (overrides: Partial<MfaFactor> = {}): MfaFactor => ({
    id: c.unique('mfa'),
    userId: alice.id,
    type: 'totp',
    name: 'Authenticator app',
    secretEnc: 'v1.sealed',
    createdAt: T0,
    lastUsedStep: null,
    confirmedAt: null,
    ...overrides,
  });

  void describe('mfa', () => {
    before(async () => {
      alice = await c.storedUser();
      bob = await c.storedUser();
    });

    void test('a factor is confirmed once, by its owner, with its name and first step', async () => {
      const f = factor();
      await c.store().mfa.insertFactor(f);
      assert.deepEqual(await c.store().mfa.getFactor(f.id), f);
      const confirm = { at: T0 + 1, step: 100, name: 'Phone ✓' };
      assert.equal(await c.store().mfa.confirmFactor(f.id, bob.id, confirm), false);
      assert.equal(await c.store().mfa.confirmFactor(f.id, alice.id, confirm), true);
      assert.equal(await c.store().mfa.confirmFactor(f.id, alice.id, confirm), false);
      assert.deepEqual(await c.store().mfa.getFactor(f.id), {
        ...f,
        name: 'Phone ✓',
        confirmedAt: T0 + 1,
        lastUsedStep: 100,
      });
      assert.equal(await c.store().mfa.getFactor(c.unique('mfa')), undefined);
    });

    void test('steps only move forward: the same or an older step is a replay', async () => {
      const f = factor({ lastUsedStep: 100, confirmedAt: T0 });
      await c.store().mfa.insertFactor(f);
      assert.equal(await c.store().mfa.useStep(f.id, 100), false);
      assert.equal(await c.store().mfa.useStep(f.id, 99), false);
      assert.equal(await c.store().mfa.useStep(f.id, 101), true);
      assert.equal(await c.store().mfa.useStep(f.id, 101), false);
      // A WebAuthn counter may use all 32 bits.
      assert.equal(await c.store().mfa.useStep(f.id, 2 ** 32 - 1), true);
      assert.equal((await c.store().mfa.getFactor(f.id))?.lastUsedStep, 2 ** 32 - 1);
      const fresh = factor();
      await c.store().mfa.insertFactor(fresh);
      assert.equal(await c.store().mfa.useStep(fresh.id, 1), true, 'a first step is accepted');
    });

    void test('several types per person; unfinished ones of one type can be dropped', async () => {
      const person = await c.storedUser();
      const totp = factor({ userId: person.id, confirmedAt: T0 });
      const key = factor({ userId: person.id, type: 'webauthn', createdAt: T0 + 5 });
      const unfinished = factor({ userId: person.id, createdAt: T0 + 9 });
      for (const f of [unfinished, totp, key]) await c.store().mfa.insertFactor(f);
      const ids = async () => (await c.store().mfa.listFactors(person.id)).map((f) => f.id);
      assert.deepEqual(await ids(), [totp.id, key.id, unfinished.id]);
      assert.equal(await c.store().mfa.deleteUnconfirmed(person.id, 'totp'), 1);
      assert.equal(await c.store().mfa.deleteUnconfirmed(person.id, 'totp'), 0);
      assert.equal(await c.store().mfa.deleteFactor(key.id, bob.id), false);
      assert.equal(await c.store().mfa.deleteFactor(key.id, person.id), true);
      assert.equal(await c.store().mfa.deleteFactor(key.id, person.id), false);
      assert.deepEqual(await ids(), [totp.id]);
      assert.deepEqual(await c.store().mfa.listFactors(c.unique('corp:nobody')), []);
    });

    void test('recovery codes: used once, by their owner only, replaced as a set', async () => {
      await c.store().mfa.replaceRecoveryCodes(alice.id, ['h1', 'h2', 'h3']);
      assert.equal(await c.store().mfa.unusedRecoveryCodes(alice.id), 3);
      assert.equal(await c.store().mfa.useRecoveryCode(bob.id, 'h1', T0), false);
      assert.equal(await c.store().mfa.useRecoveryCode(alice.id, 'h1', T0), true);
      assert.equal(await c.store().mfa.useRecoveryCode(alice.id, 'h1', T0), false);
      assert.equal(await c.store().mfa.unusedRecoveryCodes(alice.id), 2);
      await c.store().mfa.replaceRecoveryCodes(alice.id, ['h4']);
      assert.equal(await c.store().mfa.unusedRecoveryCodes(alice.id), 1);
      assert.equal(await c.store().mfa.useRecoveryCode(alice.id, 'h2', T0), false);
      await c.store().mfa.replaceRecoveryCodes(alice.id, []);
      assert.equal(await c.store().mfa.unusedRecoveryCodes(alice.id), 0);
      assert.equal(await c.store().mfa.unusedRecoveryCodes(bob.id), 0);
    });

    void test('the failure counter is one row per person', async () => {
      assert.equal(await c.store().mfa.getFailures(bob.id), undefined);
      await c.store().mfa.putFailures({ userId: bob.id, count: 2, lockedUntil: null });
      await c.store().mfa.putFailures({ userId: bob.id, count: 5, lockedUntil: T0 });
      assert.deepEqual(await c.store().mfa.getFailures(bob.id), {
        userId: bob.id,
        count: 5,
        lockedUntil: T0,
      });
    });

    void test('factors belong to known users, of a known type', async () => {
      await assert.rejects(c.store().mfa.insertFactor(factor({ userId: c.unique('corp:nobody') })));
      await assert.rejects(
        c.store().mfa.insertFactor(factor({ type: 'sms' as MfaFactor['type'] })),
      );
      await assert.rejects(
        c.store().mfa.putFailures({ userId: c.unique('corp:nobody'), count: 1, lockedUntil: null }),
      );
    });
  });
}
