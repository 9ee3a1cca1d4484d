/**
 * The persistence contract every Store backend must meet, as one reusable suite:
 *
 *   storeContract('sqlite', async () => openSqliteStore(':memory:'));
 *
 * The suite opens one store and closes it at the end. Every test uses ids unique to the run and
 * times far from the present where a method acts on all rows (purgeExpired), so the suite also
 * runs against a shared database that holds other data (a PostgreSQL test cluster).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { GrantRecord, SessionRow, Store, UserRecord } from '../../proxy/store/types.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

export function storeContract(name: string, open: () => Promise<Store>): void {
  void describe(`Store contract: ${name}`, () => {
    let store: Store;
    const run = randomBytes(6).toString('hex');
    let serial = 0;
    /** An id unique to this run of the suite. */
    const unique = (prefix: string) => `${prefix}-${run}-${++serial}`;

    before(async () => {
      store = await open();
    });
    after(async () => {
      await store?.close();
    });

    const newUser = (overrides: Partial<UserRecord> = {}): UserRecord => {
      const subject = unique('sub');
      return {
        id: `corp:${subject}`,
        idp: 'corp',
        subject,
        username: unique('user'),
        email: `${unique('mail')}@example.com`,
        name: 'Alice Liddell',
        groups: ['staff', 'payroll-readers'],
        kind: 'person',
        lastLoginAt: T0,
        ...overrides,
      };
    };

    const newGrant = (userId: string, overrides: Partial<GrantRecord> = {}): GrantRecord => ({
      id: unique('grt'),
      userId,
      resourceId: 'payroll',
      startsAt: T0,
      endsAt: T0 + 30 * MIN,
      reason: 'month end',
      createdBy: 'admin-cli',
      createdAt: T0,
      revokedAt: null,
      revokedBy: null,
      ...overrides,
    });

    /** A stored user to hang grants on. */
    const storedUser = async (overrides: Partial<UserRecord> = {}) => {
      const user = newUser(overrides);
      await store.users.upsert(user);
      return user;
    };

    void test('ping answers', async () => {
      await store.ping();
    });

    void describe('users', () => {
      void test('upsert then get gives the same record back', async () => {
        const user = await storedUser();
        assert.deepEqual(await store.users.get(user.id), user);
      });

      void test('nulls, empty groups, other kinds and non-ASCII text round-trip', async () => {
        const user = await storedUser({
          email: null,
          name: 'Zoë 名前 ✓',
          groups: [],
          kind: 'machine',
        });
        assert.deepEqual(await store.users.get(user.id), user);
      });

      void test('get of an unknown id is undefined', async () => {
        assert.equal(await store.users.get(unique('nobody')), undefined);
      });

      void test('upsert of an existing id updates the profile', async () => {
        const user = await storedUser();
        const updated: UserRecord = {
          ...user,
          username: unique('renamed'),
          email: null,
          name: null,
          groups: ['admins'],
          kind: 'vendor',
          lastLoginAt: T0 + MIN,
        };
        await store.users.upsert(updated);
        assert.deepEqual(await store.users.get(user.id), updated);
      });

      void test('findByName matches username and email in any case, the id exactly', async () => {
        const user = await storedUser();
        for (const name of [
          user.username,
          user.username.toUpperCase(),
          user.email ?? '',
          (user.email ?? '').toUpperCase(),
          user.id,
        ])
          assert.deepEqual(await store.users.findByName(name), [user], name);
      });

      void test('findByName matches whole values only', async () => {
        const user = await storedUser();
        assert.deepEqual(await store.users.findByName(user.username.slice(0, -1)), []);
        assert.deepEqual(await store.users.findByName(`${user.username}%`), []);
        assert.deepEqual(await store.users.findByName(unique('nobody')), []);
        assert.deepEqual(await store.users.findByName(user.id.toUpperCase()), []);
      });

      void test('findByName returns every user a name fits', async () => {
        const shared = unique('bob');
        const corp = await storedUser({ username: shared });
        const vendorSubject = unique('sub');
        const vendor = await storedUser({
          id: `vendors:${vendorSubject}`,
          idp: 'vendors',
          subject: vendorSubject,
          username: shared.toUpperCase(),
          kind: 'vendor',
        });
        // A third whose email is the other two's username.
        const third = await storedUser({ email: shared });
        const found = await store.users.findByName(shared);
        const byId = (a: UserRecord, b: UserRecord) => a.id.localeCompare(b.id);
        assert.deepEqual([...found].sort(byId), [corp, vendor, third].sort(byId));
      });
    });

    void describe('grants', () => {
      void test('insert then get gives the same record back', async () => {
        const user = await storedUser();
        const grant = newGrant(user.id);
        await store.grants.insert(grant);
        assert.deepEqual(await store.grants.get(grant.id), grant);
      });

      void test('null reason and non-ASCII text round-trip; times stay numbers', async () => {
        const user = await storedUser();
        const plain = newGrant(user.id, { reason: null });
        const fancy = newGrant(user.id, { reason: 'Zoë needs it ✓ "quoted"; --' });
        await store.grants.insert(plain);
        await store.grants.insert(fancy);
        assert.deepEqual(await store.grants.get(plain.id), plain);
        const read = await store.grants.get(fancy.id);
        assert.deepEqual(read, fancy);
        assert.equal(typeof read?.endsAt, 'number');
      });

      void test('inserting an id twice is refused and keeps the first', async () => {
        const user = await storedUser();
        const grant = newGrant(user.id);
        await store.grants.insert(grant);
        await assert.rejects(store.grants.insert({ ...grant, resourceId: 'orders' }));
        assert.equal((await store.grants.get(grant.id))?.resourceId, 'payroll');
      });

      void test('get of an unknown id is undefined', async () => {
        assert.equal(await store.grants.get(unique('grt')), undefined);
      });

      void test('revoke marks the grant once and returns it', async () => {
        const user = await storedUser();
        const grant = newGrant(user.id);
        await store.grants.insert(grant);
        const revoked = await store.grants.revoke(grant.id, 'bob', T0 + 5 * MIN);
        assert.deepEqual(revoked, { ...grant, revokedAt: T0 + 5 * MIN, revokedBy: 'bob' });
        assert.deepEqual(await store.grants.get(grant.id), revoked);
        // A second revoke changes nothing and returns the grant as first revoked.
        assert.deepEqual(await store.grants.revoke(grant.id, 'carol', T0 + 9 * MIN), revoked);
        assert.deepEqual(await store.grants.get(grant.id), revoked);
      });

      void test('revoke of an unknown id is undefined', async () => {
        assert.equal(await store.grants.revoke(unique('grt'), 'bob', T0), undefined);
      });

      void test('listLive: unrevoked grants that end after now, scheduled ones included', async () => {
        const user = await storedUser();
        const now = T0 + 10 * MIN;
        const live = newGrant(user.id);
        const scheduled = newGrant(user.id, { startsAt: T0 + 60 * MIN, endsAt: T0 + 90 * MIN });
        const endsNow = newGrant(user.id, { endsAt: now });
        const ended = newGrant(user.id, { endsAt: now - 1 });
        const revoked = newGrant(user.id, { revokedAt: T0 + MIN, revokedBy: 'bob' });
        for (const g of [live, scheduled, endsNow, ended, revoked]) await store.grants.insert(g);
        const ours = new Set([live, scheduled, endsNow, ended, revoked].map((g) => g.id));
        const listed = (await store.grants.listLive(now)).filter((g) => ours.has(g.id));
        const byId = (a: GrantRecord, b: GrantRecord) => a.id.localeCompare(b.id);
        assert.deepEqual(listed.sort(byId), [live, scheduled].sort(byId));
      });

      void test('listLive leaves out a grant once revoked', async () => {
        const user = await storedUser();
        const grant = newGrant(user.id);
        await store.grants.insert(grant);
        const isListed = async () =>
          (await store.grants.listLive(T0)).some((g) => g.id === grant.id);
        assert.equal(await isListed(), true);
        await store.grants.revoke(grant.id, 'bob', T0 + MIN);
        assert.equal(await isListed(), false);
      });

      void test("listForUser: all of a person's grants, and only theirs", async () => {
        const alice = await storedUser();
        const bob = await storedUser();
        const a1 = newGrant(alice.id);
        const a2 = newGrant(alice.id, { resourceId: 'orders', createdAt: T0 + MIN });
        const a3 = newGrant(alice.id, { endsAt: T0 + 1, createdAt: T0 + 2 * MIN });
        const b1 = newGrant(bob.id);
        for (const g of [a1, a2, a3, b1]) await store.grants.insert(g);
        await store.grants.revoke(a2.id, 'bob', T0 + 3 * MIN);
        const listed = await store.grants.listForUser(alice.id);
        assert.deepEqual(listed.map((g) => g.id).sort(), [a1.id, a2.id, a3.id].sort());
        assert.equal(listed.find((g) => g.id === a2.id)?.revokedBy, 'bob');
        assert.deepEqual(await store.grants.listForUser(unique('nobody')), []);
      });
    });

    void describe('sessions', () => {
      const row = (overrides: Partial<SessionRow> = {}): SessionRow => ({
        id: unique('sid'),
        data: JSON.stringify({ cookie: {}, user: { id: 'corp:alice', name: 'Zoë ✓' } }),
        expiresAt: T0 + 60 * MIN,
        ...overrides,
      });

      void test('set then get gives the same row back', async () => {
        const session = row();
        await store.sessions.set(session);
        assert.deepEqual(await store.sessions.get(session.id), session);
      });

      void test('get of an unknown id is undefined', async () => {
        assert.equal(await store.sessions.get(unique('sid')), undefined);
      });

      void test('set of an existing id replaces data and expiry', async () => {
        const session = row();
        await store.sessions.set(session);
        const replaced = { ...session, data: '{"cookie":{}}', expiresAt: T0 + 90 * MIN };
        await store.sessions.set(replaced);
        assert.deepEqual(await store.sessions.get(session.id), replaced);
      });

      void test('touch moves only the expiry', async () => {
        const session = row();
        await store.sessions.set(session);
        await store.sessions.touch(session.id, T0 + 120 * MIN);
        assert.deepEqual(await store.sessions.get(session.id), {
          ...session,
          expiresAt: T0 + 120 * MIN,
        });
      });

      void test('touch of an unknown id creates nothing', async () => {
        const id = unique('sid');
        await store.sessions.touch(id, T0);
        assert.equal(await store.sessions.get(id), undefined);
      });

      void test('destroy removes the row; destroying again is fine', async () => {
        const session = row();
        await store.sessions.set(session);
        await store.sessions.destroy(session.id);
        assert.equal(await store.sessions.get(session.id), undefined);
        await store.sessions.destroy(session.id);
      });

      void test('purgeExpired removes rows expired at or before now and counts them', async () => {
        // Times near the epoch so no other data in a shared database is expired by them.
        const before = row({ expiresAt: 500 });
        const at = row({ expiresAt: 1_000 });
        const later = row({ expiresAt: 1_001 });
        for (const s of [before, at, later]) await store.sessions.set(s);
        assert.equal(await store.sessions.purgeExpired(1_000), 2);
        assert.equal(await store.sessions.get(before.id), undefined);
        assert.equal(await store.sessions.get(at.id), undefined);
        assert.deepEqual(await store.sessions.get(later.id), later);
        assert.equal(await store.sessions.purgeExpired(1_000), 0);
        await store.sessions.destroy(later.id);
      });
    });

    void describe('settings', () => {
      void test('get of an unknown name is undefined', async () => {
        assert.equal(await store.settings.get(unique('setting')), undefined);
      });

      void test('putIfAbsent stores the first value and keeps it', async () => {
        const name = unique('setting');
        assert.equal(await store.settings.putIfAbsent(name, 'first'), 'first');
        assert.equal(await store.settings.get(name), 'first');
        assert.equal(await store.settings.putIfAbsent(name, 'second'), 'first');
        assert.equal(await store.settings.get(name), 'first');
      });

      void test('concurrent putIfAbsent calls agree on one value', async () => {
        const name = unique('setting');
        const values = await Promise.all(
          ['a', 'b', 'c', 'd'].map((v) => store.settings.putIfAbsent(name, v)),
        );
        const stored = await store.settings.get(name);
        assert.ok(stored !== undefined && ['a', 'b', 'c', 'd'].includes(stored));
        assert.deepEqual(values, [stored, stored, stored, stored]);
      });

      void test('long and non-ASCII values round-trip', async () => {
        const name = unique('setting');
        const value = `{"kty":"EC","d":"${'x'.repeat(4096)}","note":"Zoë ✓"}`;
        assert.equal(await store.settings.putIfAbsent(name, value), value);
        assert.equal(await store.settings.get(name), value);
      });
    });
  });
}
