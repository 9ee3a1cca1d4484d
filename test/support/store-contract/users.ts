/** UserRepository: records round-trip, upsert updates, findByName matches whole names. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserRecord } from '../../../proxy/store/types.js';
import { MIN, T0, type ContractContext } from './context.js';

export function userContract(c: ContractContext): void {
  void describe('users', () => {
    void test('upsert then get gives the same record back', async () => {
      const user = await c.storedUser();
      assert.deepEqual(await c.store().users.get(user.id), user);
    });

    void test('nulls, empty groups, other kinds and non-ASCII text round-trip', async () => {
      const user = await c.storedUser({
        email: null,
        name: 'Zoë 名前 ✓',
        groups: [],
        kind: 'machine',
      });
      assert.deepEqual(await c.store().users.get(user.id), user);
    });

    void test('claims round-trip; an upsert replaces them, and none reads as no key', async () => {
      const user = await c.storedUser({ claims: { department: 'Finance', site: 'Zoë ✓' } });
      assert.deepEqual(await c.store().users.get(user.id), user);
      const without: UserRecord = { ...user, claims: {} };
      await c.store().users.upsert(without);
      const read = await c.store().users.get(user.id);
      assert.equal(read !== undefined && 'claims' in read, false);
    });

    void test('get of an unknown id is undefined', async () => {
      assert.equal(await c.store().users.get(c.unique('nobody')), undefined);
    });

    void test('upsert of an existing id updates the profile', async () => {
      const user = await c.storedUser();
      const updated: UserRecord = {
        ...user,
        username: c.unique('renamed'),
        email: null,
        name: null,
        groups: ['admins'],
        kind: 'vendor',
        lastLoginAt: T0 + MIN,
      };
      await c.store().users.upsert(updated);
      assert.deepEqual(await c.store().users.get(user.id), updated);
    });

    void test('findByName matches username and email in any case, the id exactly', async () => {
      const user = await c.storedUser();
      for (const name of [
        user.username,
        user.username.toUpperCase(),
        user.email ?? '',
        (user.email ?? '').toUpperCase(),
        user.id,
      ])
        assert.deepEqual(await c.store().users.findByName(name), [user], name);
    });

    void test('findByName matches whole values only', async () => {
      const user = await c.storedUser();
      assert.deepEqual(await c.store().users.findByName(user.username.slice(0, -1)), []);
      assert.deepEqual(await c.store().users.findByName(`${user.username}%`), []);
      assert.deepEqual(await c.store().users.findByName(c.unique('nobody')), []);
      assert.deepEqual(await c.store().users.findByName(user.id.toUpperCase()), []);
    });

    void test('findByName returns every user a name fits', async () => {
      const shared = c.unique('bob');
      const corp = await c.storedUser({ username: shared });
      const vendorSubject = c.unique('sub');
      const vendor = await c.storedUser({
        id: `vendors:${vendorSubject}`,
        idp: 'vendors',
        subject: vendorSubject,
        username: shared.toUpperCase(),
        kind: 'vendor',
      });
      // A third whose email is the other two's username.
      const third = await c.storedUser({ email: shared });
      const found = await c.store().users.findByName(shared);
      const byId = (a: UserRecord, b: UserRecord) => a.id.localeCompare(b.id);
      assert.deepEqual([...found].sort(byId), [corp, vendor, third].sort(byId));
    });
  });
}
