/** SessionRepository: express-session rows, their expiry, purge. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionRow } from '../../../proxy/store/types.js';
import { MIN, T0, type ContractContext } from './context.js';

export function sessionContract(c: ContractContext): void {
  void describe('sessions', () => {
    const row = (overrides: Partial<SessionRow> = {}): SessionRow => ({
      id: c.unique('sid'),
      data: JSON.stringify({ cookie: {}, user: { id: 'corp:alice', name: 'Zoë ✓' } }),
      expiresAt: T0 + 60 * MIN,
      ...overrides,
    });

    void test('create then get gives the same row back', async () => {
      const session = row();
      assert.equal(await c.store().sessions.create(session), true);
      assert.deepEqual(await c.store().sessions.get(session.id), session);
    });

    void test('get of an unknown id is undefined', async () => {
      assert.equal(await c.store().sessions.get(c.unique('sid')), undefined);
    });

    void test('create never overwrites an existing id', async () => {
      const session = row();
      await c.store().sessions.create(session);
      assert.equal(await c.store().sessions.create({ ...session, data: '{"cookie":{}}' }), false);
      assert.deepEqual(await c.store().sessions.get(session.id), session);
    });

    void test('update of a live session replaces data and expiry', async () => {
      const session = row();
      await c.store().sessions.create(session);
      const replaced = { ...session, data: '{"cookie":{}}', expiresAt: T0 + 90 * MIN };
      assert.equal(await c.store().sessions.update(replaced, T0), true);
      assert.deepEqual(await c.store().sessions.get(session.id), replaced);
    });

    void test('update after destroy writes nothing back (a logout stays a logout)', async () => {
      const session = row();
      await c.store().sessions.create(session);
      await c.store().sessions.destroy(session.id);
      assert.equal(await c.store().sessions.update(session, T0), false);
      assert.equal(await c.store().sessions.get(session.id), undefined);
    });

    void test('update of an expired session writes nothing', async () => {
      const session = row({ expiresAt: T0 });
      await c.store().sessions.create(session);
      const later = { ...session, expiresAt: T0 + 60 * MIN };
      assert.equal(await c.store().sessions.update(later, T0), false);
      assert.deepEqual(await c.store().sessions.get(session.id), session);
      await c.store().sessions.destroy(session.id);
    });

    void test('a replica destroying a session wins over an update from the other', async () => {
      const replica = c.replica();
      if (!replica) return;
      const session = row();
      await c.store().sessions.create(session);
      await replica.sessions.destroy(session.id);
      assert.equal(await c.store().sessions.update(session, T0), false);
      assert.equal(await replica.sessions.get(session.id), undefined);
    });

    void test('touch moves only the expiry', async () => {
      const session = row();
      await c.store().sessions.create(session);
      await c.store().sessions.touch(session.id, T0 + 120 * MIN, T0);
      assert.deepEqual(await c.store().sessions.get(session.id), {
        ...session,
        expiresAt: T0 + 120 * MIN,
      });
    });

    void test('touch of an unknown, destroyed or expired id creates or revives nothing', async () => {
      const id = c.unique('sid');
      await c.store().sessions.touch(id, T0, T0 - MIN);
      assert.equal(await c.store().sessions.get(id), undefined);
      const ended = row();
      await c.store().sessions.create(ended);
      await c.store().sessions.destroy(ended.id);
      await c.store().sessions.touch(ended.id, T0 + 90 * MIN, T0);
      assert.equal(await c.store().sessions.get(ended.id), undefined);
      const expired = row({ expiresAt: T0 });
      await c.store().sessions.create(expired);
      await c.store().sessions.touch(expired.id, T0 + 90 * MIN, T0);
      assert.deepEqual(await c.store().sessions.get(expired.id), expired);
      await c.store().sessions.destroy(expired.id);
    });

    void test('destroy removes the row; destroying again is fine', async () => {
      const session = row();
      await c.store().sessions.create(session);
      await c.store().sessions.destroy(session.id);
      assert.equal(await c.store().sessions.get(session.id), undefined);
      await c.store().sessions.destroy(session.id);
    });

    void test('purgeExpired removes rows expired at or before now and counts them', async () => {
      // Times near the epoch so no other data in a shared database is expired by them.
      const before = row({ expiresAt: 500 });
      const at = row({ expiresAt: 1_000 });
      const later = row({ expiresAt: 1_001 });
      for (const s of [before, at, later]) await c.store().sessions.create(s);
      assert.equal(await c.store().sessions.purgeExpired(1_000), 2);
      assert.equal(await c.store().sessions.get(before.id), undefined);
      assert.equal(await c.store().sessions.get(at.id), undefined);
      assert.deepEqual(await c.store().sessions.get(later.id), later);
      assert.equal(await c.store().sessions.purgeExpired(1_000), 0);
      await c.store().sessions.destroy(later.id);
    });

    void test('destroyByUser ends every session of that person, and only theirs', async () => {
      const person = c.unique('corp:dora');
      const owned = (id: string) => JSON.stringify({ cookie: {}, user: { id } });
      const first = row({ data: owned(person) });
      const second = row({ data: '{"cookie":{}}' });
      const other = row({ data: owned(c.unique('corp:erin')) });
      const anonymous = row({ data: '{"cookie":{}}' });
      for (const s of [first, second, other, anonymous]) await c.store().sessions.create(s);
      // Signed in later: the owner is read from each write, not only from the first.
      await c.store().sessions.update({ ...second, data: owned(person) }, T0);
      const ended = await c.store().sessions.destroyByUser(person);
      assert.deepEqual(ended.sort(), [first.id, second.id].sort());
      assert.equal(await c.store().sessions.get(first.id), undefined);
      assert.equal(await c.store().sessions.get(second.id), undefined);
      assert.deepEqual(await c.store().sessions.get(other.id), other);
      assert.deepEqual(await c.store().sessions.get(anonymous.id), anonymous);
      assert.deepEqual(await c.store().sessions.destroyByUser(person), []);
    });
  });
}
