/**
 * AuditRepository: events read back exactly as written (data as the text that was hashed), a
 * seq is taken once, last/list/scan select and order the same rows on every backend. The chain
 * grows across the suite, so each test starts from the current last event.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { GENESIS_HASH, hashEvent } from '../../../proxy/audit/hash-chain.js';
import type { AuditEvent } from '../../../proxy/audit/types.js';
import { T0, type ContractContext } from './context.js';

export function auditContract(c: ContractContext): void {
  const log = () => new AuditLog(c.store().audit, c.store(), () => T0);

  /** The next event after the current last one, hashed like AuditLog does. */
  const nextEvent = async (fields: Partial<AuditEvent> = {}): Promise<AuditEvent> => {
    const last = await c.store().audit.last();
    const unhashed = {
      seq: (last?.seq ?? 0) + 1,
      time: T0,
      code: 'grant.started' as const,
      actor: c.unique('actor'),
      target: c.unique('grt'),
      reason: 'Zoë needs it ✓ "quoted"',
      data: { resource: 'payroll', nested: { list: [1, 'two', null, true] }, big: 2 ** 40 },
      prevHash: last?.hash ?? GENESIS_HASH,
      ...fields,
    };
    return { ...unhashed, hash: hashEvent(unhashed) };
  };

  void describe('audit', () => {
    void test('insert then last gives the same event back', async () => {
      const event = await nextEvent();
      await c.store().audit.insert(event);
      assert.deepEqual(await c.store().audit.last(), event);
    });

    void test('nulls and empty data round-trip', async () => {
      const event = await nextEvent({ target: null, reason: null, data: {} });
      await c.store().audit.insert(event);
      assert.deepEqual(await c.store().audit.last(), event);
    });

    void test('a seq is taken once: a second insert with it fails and changes nothing', async () => {
      const event = await nextEvent();
      await c.store().audit.insert(event);
      await assert.rejects(c.store().audit.insert({ ...event, actor: 'mallory' }));
      assert.deepEqual(await c.store().audit.last(), event);
    });

    void test('list filters by code, actor, target, time and seq, in either order', async () => {
      const actor = c.unique('actor');
      const appended: AuditEvent[] = [];
      const inputs = [
        { code: 'request.created', target: 'req-a', time: T0 + 1 },
        { code: 'request.approved', target: 'req-a', time: T0 + 2 },
        { code: 'request.created', target: 'req-b', time: T0 + 3 },
      ] as const;
      for (const input of inputs) {
        const event = await nextEvent({ ...input, actor });
        await c.store().audit.insert(event);
        appended.push(event);
      }
      const [a, b, d] = appended as [AuditEvent, AuditEvent, AuditEvent];
      const list = (filter: object) => c.store().audit.list({ actor, limit: 10, ...filter });
      assert.deepEqual(await list({}), [a, b, d]);
      assert.deepEqual(await list({ order: 'desc' }), [d, b, a]);
      assert.deepEqual(await list({ code: 'request.created' }), [a, d]);
      assert.deepEqual(await list({ target: 'req-a' }), [a, b]);
      assert.deepEqual(await list({ from: T0 + 2, to: T0 + 3 }), [b]);
      assert.deepEqual(await list({ afterSeq: a.seq }), [b, d]);
      assert.deepEqual(await list({ beforeSeq: d.seq, order: 'desc' }), [b, a]);
      assert.deepEqual(await list({ limit: 2 }), [a, b]);
      assert.deepEqual(await c.store().audit.list({ actor: c.unique('nobody'), limit: 10 }), []);
    });

    void test('list by person: what they did (actor) and what was done about them (data.user)', async () => {
      const alice = c.unique('alice');
      const bob = c.unique('bob');
      const appended: AuditEvent[] = [];
      const inputs = [
        { code: 'request.created', actor: alice, data: {} },
        { code: 'request.approved', actor: bob, data: { user: alice } },
        { code: 'grant.started', actor: bob, data: { user: alice, grant: 'g' } },
        { code: 'request.created', actor: bob, data: {} },
        // Another key naming alice is not "about" her; a nested user is not either.
        { code: 'token.issued', actor: bob, data: { label: alice, nested: { user: alice } } },
        // Text people typed may hold anything, a NUL too: the filter still reads the event.
        { code: 'token.issued', actor: bob, data: { label: 'a\u0000b' } },
      ] as const;
      for (const input of inputs) {
        const event = await nextEvent(input);
        await c.store().audit.insert(event);
        appended.push(event);
      }
      const [created, approved, started] = appended as [AuditEvent, AuditEvent, AuditEvent];
      const list = (filter: object) => c.store().audit.list({ limit: 10, ...filter });
      assert.deepEqual(await list({ person: alice }), [created, approved, started]);
      assert.deepEqual(await list({ person: alice, order: 'desc' }), [started, approved, created]);
      assert.deepEqual(await list({ person: alice, code: 'grant.started' }), [started]);
      assert.deepEqual(await list({ person: alice, actor: bob }), [approved, started]);
      assert.equal((await list({ person: bob })).length, 5);
      assert.ok((await list({ person: bob })).every((e) => e.actor === bob));
      assert.deepEqual(await list({ person: c.unique('nobody') }), []);
    });

    void test('scan pages through the chain in seq order', async () => {
      const first = await nextEvent();
      await c.store().audit.insert(first);
      const second = await nextEvent();
      await c.store().audit.insert(second);
      assert.deepEqual(await c.store().audit.scan(first.seq, 10), [first, second]);
      assert.deepEqual(await c.store().audit.scan(first.seq, 1), [first]);
      assert.deepEqual(await c.store().audit.scan(second.seq + 1, 10), []);
      const all = await c.store().audit.scan(1, 100_000);
      assert.deepEqual(
        all.map((e) => e.seq),
        all.map((_, i) => i + 1),
        'seqs from 1 without gaps',
      );
    });

    void test('what the store wrote verifies as one chain', async () => {
      await log().record({ code: 'config.loaded', actor: 'system', data: { resources: 2 } });
      const result = await log().verify();
      assert.equal(result.ok, true, JSON.stringify(result));
    });
  });
}
