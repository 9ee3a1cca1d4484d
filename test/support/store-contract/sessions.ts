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

    void test('set then get gives the same row back', async () => {
      const session = row();
      await c.store().sessions.set(session);
      assert.deepEqual(await c.store().sessions.get(session.id), session);
    });

    void test('get of an unknown id is undefined', async () => {
      assert.equal(await c.store().sessions.get(c.unique('sid')), undefined);
    });

    void test('set of an existing id replaces data and expiry', async () => {
      const session = row();
      await c.store().sessions.set(session);
      const replaced = { ...session, data: '{"cookie":{}}', expiresAt: T0 + 90 * MIN };
      await c.store().sessions.set(replaced);
      assert.deepEqual(await c.store().sessions.get(session.id), replaced);
    });

    void test('touch moves only the expiry', async () => {
      const session = row();
      await c.store().sessions.set(session);
      await c.store().sessions.touch(session.id, T0 + 120 * MIN);
      assert.deepEqual(await c.store().sessions.get(session.id), {
        ...session,
        expiresAt: T0 + 120 * MIN,
      });
    });

    void test('touch of an unknown id creates nothing', async () => {
      const id = c.unique('sid');
      await c.store().sessions.touch(id, T0);
      assert.equal(await c.store().sessions.get(id), undefined);
    });

    void test('destroy removes the row; destroying again is fine', async () => {
      const session = row();
      await c.store().sessions.set(session);
      await c.store().sessions.destroy(session.id);
      assert.equal(await c.store().sessions.get(session.id), undefined);
      await c.store().sessions.destroy(session.id);
    });

    void test('purgeExpired removes rows expired at or before now and counts them', async () => {
      // Times near the epoch so no other data in a shared database is expired by them.
      const before = row({ expiresAt: 500 });
      const at = row({ expiresAt: 1_000 });
      const later = row({ expiresAt: 1_001 });
      for (const s of [before, at, later]) await c.store().sessions.set(s);
      assert.equal(await c.store().sessions.purgeExpired(1_000), 2);
      assert.equal(await c.store().sessions.get(before.id), undefined);
      assert.equal(await c.store().sessions.get(at.id), undefined);
      assert.deepEqual(await c.store().sessions.get(later.id), later);
      assert.equal(await c.store().sessions.purgeExpired(1_000), 0);
      await c.store().sessions.destroy(later.id);
    });
  });
}
