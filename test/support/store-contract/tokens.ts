/** TokenRepository: only hashes are stored, a hash finds its token, revoke and touch. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { TokenRecord } from '../../../proxy/identity/token-record.js';
import { MIN, T0, type ContractContext } from './context.js';

export function tokenContract(c: ContractContext): void {
  const stored = async (overrides: Partial<TokenRecord> = {}) => {
    const user = await c.storedUser();
    const token: TokenRecord = {
      id: c.unique('tok'),
      userId: user.id,
      tokenHash: randomBytes(32).toString('hex'),
      label: 'laptop ✓',
      user: {
        id: user.id,
        idp: user.idp,
        username: user.username,
        email: user.email,
        name: 'Zoë',
        groups: ['staff'],
        kind: 'person',
        claims: { department: 'Finance' },
        loginAt: T0,
      },
      createdAt: T0,
      expiresAt: T0 + 60 * MIN,
      revokedAt: null,
      lastUsedAt: null,
      ...overrides,
    };
    await c.store().tokens.insert(token);
    return token;
  };

  void describe('tokens', () => {
    void test('insert then get and findByHash give the same token back', async () => {
      const token = await stored();
      assert.deepEqual(await c.store().tokens.get(token.id), token);
      assert.deepEqual(await c.store().tokens.findByHash(token.tokenHash), token);
      const unlabelled = await stored({ label: null });
      assert.deepEqual(await c.store().tokens.get(unlabelled.id), unlabelled);
    });

    void test('a token issued after a step-up keeps when; others have none', async () => {
      const stepped = await stored({ stepUpAt: T0 - MIN });
      assert.deepEqual(await c.store().tokens.get(stepped.id), stepped);
      const plain = await stored();
      assert.equal('stepUpAt' in ((await c.store().tokens.get(plain.id)) ?? {}), false);
    });

    void test('unknown ids and hashes are undefined', async () => {
      assert.equal(await c.store().tokens.get(c.unique('tok')), undefined);
      assert.equal(await c.store().tokens.findByHash(randomBytes(32).toString('hex')), undefined);
    });

    void test('a hash is unique', async () => {
      const token = await stored();
      await assert.rejects(stored({ tokenHash: token.tokenHash }));
    });

    void test('revoke marks the token once', async () => {
      const token = await stored();
      assert.equal(await c.store().tokens.revoke(token.id, T0 + MIN), true);
      assert.equal(await c.store().tokens.revoke(token.id, T0 + 2 * MIN), false);
      assert.equal((await c.store().tokens.get(token.id))?.revokedAt, T0 + MIN);
      assert.equal(await c.store().tokens.revoke(c.unique('tok'), T0), false);
    });

    void test('touch records the last use, every time', async () => {
      const token = await stored();
      await c.store().tokens.touch(token.id, T0 + MIN);
      await c.store().tokens.touch(token.id, T0 + 2 * MIN);
      assert.deepEqual(await c.store().tokens.get(token.id), {
        ...token,
        lastUsedAt: T0 + 2 * MIN,
      });
      await c.store().tokens.touch(c.unique('tok'), T0);
    });

    void test('a token must belong to a known user', async () => {
      await assert.rejects(stored({ userId: c.unique('corp:nobody') }));
    });

    void test('revokeForUser revokes every unrevoked token of that person once, and only theirs', async () => {
      const first = await stored();
      const user = first.userId;
      const second = await stored({ userId: user, user: { ...first.user } });
      const revokedBefore = await stored({ userId: user, user: { ...first.user }, revokedAt: T0 });
      const other = await stored();
      const ids = await c.store().tokens.revokeForUser(user, T0 + MIN);
      assert.deepEqual(ids.sort(), [first.id, second.id].sort());
      assert.equal((await c.store().tokens.get(first.id))?.revokedAt, T0 + MIN);
      assert.equal((await c.store().tokens.get(revokedBefore.id))?.revokedAt, T0);
      assert.equal((await c.store().tokens.get(other.id))?.revokedAt, null);
      assert.deepEqual(await c.store().tokens.revokeForUser(user, T0 + 2 * MIN), []);
    });
  });
}
