// The SQLite MfaRepository: factors of several types per person, confirmation once, time steps
// that only move forward (the replay guard is the UPDATE itself), recovery codes used once and
// only by their owner, the failure counter, and foreign keys to users.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MfaFactor } from '../../../proxy/identity/mfa/factor-record.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';

let store: Store;
const T0 = 1_700_000_000_000;

const factor = (overrides: Partial<MfaFactor> = {}): MfaFactor => ({
  id: 'mfa_alice_totp_1',
  userId: 'demo:alice',
  type: 'totp',
  name: 'Authenticator app',
  secretEnc: 'v1.sealed',
  createdAt: T0,
  lastUsedStep: null,
  confirmedAt: null,
  ...overrides,
});

before(async () => {
  store = openSqliteStore(':memory:');
  for (const name of ['alice', 'bob']) {
    await store.users.upsert({
      id: `demo:${name}`,
      idp: 'demo',
      subject: name,
      username: name,
      email: null,
      name: null,
      groups: [],
      kind: 'person',
      lastLoginAt: T0,
    });
  }
});
after(() => store.close());

void describe('sqlite MfaRepository', () => {
  void test('a factor is confirmed once, with its name and first step', async () => {
    await store.mfa.insertFactor(factor());
    assert.deepEqual(await store.mfa.getFactor('mfa_alice_totp_1'), factor());
    const confirm = { at: T0 + 1, step: 100, name: 'Phone' };
    assert.equal(await store.mfa.confirmFactor('mfa_alice_totp_1', 'demo:bob', confirm), false);
    assert.equal(await store.mfa.confirmFactor('mfa_alice_totp_1', 'demo:alice', confirm), true);
    assert.equal(await store.mfa.confirmFactor('mfa_alice_totp_1', 'demo:alice', confirm), false);
    const stored = await store.mfa.getFactor('mfa_alice_totp_1');
    assert.deepEqual(stored, factor({ name: 'Phone', confirmedAt: T0 + 1, lastUsedStep: 100 }));
  });

  void test('steps only move forward: the same or an older step is a replay', async () => {
    assert.equal(await store.mfa.useStep('mfa_alice_totp_1', 100), false);
    assert.equal(await store.mfa.useStep('mfa_alice_totp_1', 99), false);
    assert.equal(await store.mfa.useStep('mfa_alice_totp_1', 101), true);
    assert.equal(await store.mfa.useStep('mfa_alice_totp_1', 101), false);
  });

  void test('several types per person; unfinished ones of one type can be dropped', async () => {
    await store.mfa.insertFactor(
      factor({ id: 'mfa_alice_key', type: 'webauthn', createdAt: T0 + 5 }),
    );
    await store.mfa.insertFactor(factor({ id: 'mfa_alice_totp_2', createdAt: T0 + 9 }));
    const ids = (await store.mfa.listFactors('demo:alice')).map((f) => f.id);
    assert.deepEqual(ids, ['mfa_alice_totp_1', 'mfa_alice_key', 'mfa_alice_totp_2']);
    assert.equal(await store.mfa.deleteUnconfirmed('demo:alice', 'totp'), 1);
    assert.equal(await store.mfa.deleteFactor('mfa_alice_key', 'demo:bob'), false);
    assert.equal(await store.mfa.deleteFactor('mfa_alice_key', 'demo:alice'), true);
    assert.deepEqual(await store.mfa.listFactors('demo:bob'), []);
  });

  void test('recovery codes: used once, by their owner only, replaced as a set', async () => {
    await store.mfa.replaceRecoveryCodes('demo:alice', ['h1', 'h2', 'h3']);
    assert.equal(await store.mfa.unusedRecoveryCodes('demo:alice'), 3);
    assert.equal(await store.mfa.useRecoveryCode('demo:bob', 'h1', T0), false);
    assert.equal(await store.mfa.useRecoveryCode('demo:alice', 'h1', T0), true);
    assert.equal(await store.mfa.useRecoveryCode('demo:alice', 'h1', T0), false);
    assert.equal(await store.mfa.unusedRecoveryCodes('demo:alice'), 2);
    await store.mfa.replaceRecoveryCodes('demo:alice', ['h4']);
    assert.equal(await store.mfa.unusedRecoveryCodes('demo:alice'), 1);
    assert.equal(await store.mfa.useRecoveryCode('demo:alice', 'h2', T0), false);
  });

  void test('the failure counter is one row per person', async () => {
    assert.equal(await store.mfa.getFailures('demo:alice'), undefined);
    await store.mfa.putFailures({ userId: 'demo:alice', count: 2, lockedUntil: null });
    await store.mfa.putFailures({ userId: 'demo:alice', count: 5, lockedUntil: T0 });
    assert.deepEqual(await store.mfa.getFailures('demo:alice'), {
      userId: 'demo:alice',
      count: 5,
      lockedUntil: T0,
    });
  });

  void test('factors belong to known users, of a known type', async () => {
    await assert.rejects(
      store.mfa.insertFactor(factor({ id: 'x', userId: 'demo:nobody' })),
      /FOREIGN KEY/,
    );
    await assert.rejects(
      store.mfa.insertFactor(factor({ id: 'y', type: 'sms' as MfaFactor['type'] })),
      /CHECK/,
    );
  });
});
