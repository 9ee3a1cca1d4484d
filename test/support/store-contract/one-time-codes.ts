/** OneTimeCodeRepository: codes, challenges and refresh tokens redeemed once, on any replica. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OneTimeCode } from '../../../proxy/store/types.js';
import { MIN, T0, type ContractContext } from './context.js';

export function oneTimeCodeContract(c: ContractContext): void {
  void describe('one-time codes', () => {
    const codes = () => c.store().oneTimeCodes;
    const code = (overrides: Partial<OneTimeCode> = {}): OneTimeCode => ({
      kind: 'app-handoff',
      codeHash: c.unique('hash'),
      userId: c.unique('user'),
      payload: JSON.stringify({ sid: c.unique('sid'), note: 'Zoë ✓' }),
      expiresAt: T0 + MIN,
      ...overrides,
    });

    void test('redeem gives the code back once, then nothing', async () => {
      const one = code();
      await codes().put(one);
      assert.deepEqual(await codes().redeem(one.kind, one.codeHash, T0), one);
      assert.equal(await codes().redeem(one.kind, one.codeHash, T0), undefined);
    });

    void test('find shows a live code and leaves it; an expired or other kind is not found', async () => {
      const one = code();
      await codes().put(one);
      assert.deepEqual(await codes().find(one.kind, one.codeHash, T0), one);
      assert.equal(await codes().find('cli-login', one.codeHash, T0), undefined);
      assert.equal(await codes().find(one.kind, one.codeHash, one.expiresAt), undefined);
      assert.deepEqual(await codes().redeem(one.kind, one.codeHash, T0), one, 'still there');
      assert.equal(await codes().find(one.kind, one.codeHash, T0), undefined, 'taken');
    });

    void test('of many concurrent redeems exactly one gets the code', async () => {
      const one = code();
      await codes().put(one);
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => codes().redeem(one.kind, one.codeHash, T0)),
      );
      assert.equal(answers.filter((a) => a !== undefined).length, 1);
    });

    void test('of concurrent redeems on two replicas exactly one gets the code', async () => {
      const replica = c.replica();
      if (!replica) return;
      const one = code();
      await codes().put(one);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? replica : c.store()).oneTimeCodes.redeem(one.kind, one.codeHash, T0),
        ),
      );
      assert.equal(answers.filter((a) => a !== undefined).length, 1);
    });

    void test('an expired code is not given, and is gone', async () => {
      const one = code({ expiresAt: T0 });
      await codes().put(one);
      assert.equal(await codes().redeem(one.kind, one.codeHash, T0), undefined);
      assert.equal(await codes().redeem(one.kind, one.codeHash, T0 - MIN), undefined);
    });

    void test('kinds are separate namespaces', async () => {
      const one = code();
      await codes().put(one);
      assert.equal(await codes().redeem('cli-login', one.codeHash, T0), undefined);
      assert.deepEqual(await codes().redeem(one.kind, one.codeHash, T0), one);
    });

    void test('put replaces a code of the same kind and hash', async () => {
      const one = code({ kind: 'webauthn-challenge' });
      await codes().put(one);
      const replaced = { ...one, payload: '{"challenge":"new"}', expiresAt: T0 + 2 * MIN };
      await codes().put(replaced);
      assert.deepEqual(await codes().redeem(one.kind, one.codeHash, T0), replaced);
    });

    void test('countLive counts a kind’s unexpired codes', async () => {
      // Far from the present, where no other data of a shared database lives.
      const at = 3_000;
      const before = await codes().countLive('extension-login', at);
      const live = code({ kind: 'extension-login', expiresAt: at + 1 });
      const expired = code({ kind: 'extension-login', expiresAt: at });
      for (const one of [live, expired]) await codes().put(one);
      assert.equal(await codes().countLive('extension-login', at), before + 1);
      for (const one of [live, expired]) await codes().redeem(one.kind, one.codeHash, 0);
    });

    void test('deleteForUser deletes every code of that person only', async () => {
      const userId = c.unique('user');
      const mine = [code({ userId }), code({ userId, kind: 'cli-login' })];
      const other = code();
      for (const one of [...mine, other]) await codes().put(one);
      assert.equal(await codes().deleteForUser(userId), 2);
      for (const one of mine)
        assert.equal(await codes().redeem(one.kind, one.codeHash, T0), undefined);
      assert.deepEqual(await codes().redeem(other.kind, other.codeHash, T0), other);
    });

    void test('purgeExpired removes codes expired at or before now and counts them', async () => {
      // Times near the epoch so no other data in a shared database is expired by them.
      const gone = [code({ expiresAt: 500 }), code({ expiresAt: 1_000 })];
      const kept = code({ expiresAt: 1_001 });
      for (const one of [...gone, kept]) await codes().put(one);
      assert.equal(await codes().purgeExpired(1_000), 2);
      assert.deepEqual(await codes().redeem(kept.kind, kept.codeHash, 0), kept);
    });
  });
}
