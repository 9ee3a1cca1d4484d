// The audit log against a real in-memory SQLite store: concurrent appends make one gapless chain,
// an event commits or rolls back with its action, bad input is refused before anything is written,
// and filters, paging, verify and export read what was written.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { AuditLog, MAX_AUDIT_DATA_BYTES } from '../../../proxy/audit/audit-log.js';
import { GENESIS_HASH } from '../../../proxy/audit/hash-chain.js';
import type { AuditEvent, AuditEventInput } from '../../../proxy/audit/types.js';
import { JitgateError } from '../../../proxy/shared/errors.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';
import { personRecord } from '../../support/person.js';

const T0 = 1_700_000_000_000;
let store: Store;
let audit: AuditLog;
let now: number;

beforeEach(() => {
  store = openSqliteStore(':memory:');
  now = T0;
  audit = new AuditLog(store.audit, store, () => now);
});

const all = () => audit.list({ limit: 1000 });
const login = (actor: string): AuditEventInput => ({ code: 'auth.login', actor });

async function rejectsInvalid(promise: Promise<unknown>, message: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof JitgateError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_audit_event');
    assert.match(error.message, message);
    return true;
  });
}

describe('appending', () => {
  test('200 concurrent records make one gapless, unforked chain', async () => {
    const recorded = await Promise.all(
      Array.from({ length: 200 }, (_, i) => audit.record(login(`user-${i}`))),
    );
    const events = await all();
    assert.deepEqual(
      events.map((e) => e.seq),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    assert.equal(events[0]?.prevHash, GENESIS_HASH);
    events.slice(1).forEach((event, i) => assert.equal(event.prevHash, events[i]?.hash));
    assert.equal(new Set(events.map((e) => e.prevHash)).size, 200);
    assert.deepEqual(new Set(recorded.map((e) => e.actor)).size, 200);
    assert.deepEqual(await audit.verify(), { ok: true, count: 200, head: events[199]?.hash });
  });

  test('the event returned is the event stored, data JSON-normalised', async () => {
    const event = await audit.record({
      code: 'grant.started',
      actor: 'corp:bob',
      target: 'grt_12345678',
      reason: 'incident 42',
      data: {
        resource: 'payroll',
        minutes: 30,
        note: undefined,
      } as unknown as AuditEventInput['data'],
    });
    assert.deepEqual(event.data, { resource: 'payroll', minutes: 30 });
    assert.deepEqual(await all(), [event]);
    assert.equal(event.time, T0);
  });

  test('an action that fails inside atomic takes its audit event with it', async () => {
    await audit.record(login('corp:alice'));
    await assert.rejects(
      store.atomic(async () => {
        await audit.append({ code: 'grant.revoked', actor: 'corp:bob', target: 'grt_x' });
        throw new Error('revoke failed');
      }),
      /revoke failed/,
    );
    const next = await audit.record(login('corp:carol'));
    assert.equal(next.seq, 2);
    assert.deepEqual(
      (await all()).map((e) => e.code),
      ['auth.login', 'auth.login'],
    );
    assert.equal((await audit.verify()).ok, true);
  });

  test('an audit write that fails fails the action it records', async () => {
    const user = personRecord('corp:alice', T0);
    await rejectsInvalid(
      store.atomic(async () => {
        await store.users.upsert(user);
        await audit.append({ ...login(user.id), reason: 'x'.repeat(1001) });
      }),
      /reason/,
    );
    assert.equal(await store.users.get(user.id), undefined);
  });

  test('appends outside atomic cannot fork the chain: the loser fails', async () => {
    const results = await Promise.allSettled([audit.append(login('a')), audit.append(login('b'))]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected'],
    );
    assert.equal((await all()).length, 1);
  });
});

describe('input limits', () => {
  test('oversized strings and data, unknown codes and empty actors are refused', async () => {
    await rejectsInvalid(audit.record(login('a'.repeat(1001))), /actor is longer than 1000/);
    await rejectsInvalid(audit.record({ ...login('a'), target: 't'.repeat(1001) }), /target/);
    await rejectsInvalid(audit.record(login('')), /actor must not be empty/);
    await rejectsInvalid(
      audit.record({ ...login('a'), data: { blob: 'x'.repeat(MAX_AUDIT_DATA_BYTES) } }),
      /data is larger than 16384 bytes/,
    );
    const unknown = { code: 'grant.stolen', actor: 'a' } as unknown as AuditEventInput;
    await rejectsInvalid(audit.record(unknown), /unknown audit code/);
    await rejectsInvalid(audit.record(login('\ud800')), /not valid Unicode/);
    await rejectsInvalid(
      audit.record({ ...login('a'), data: [] as unknown as AuditEventInput['data'] }),
      /data must be an object/,
    );
    assert.deepEqual(await all(), []);
  });

  test('values at the limits are accepted', async () => {
    const blob = 'x'.repeat(MAX_AUDIT_DATA_BYTES - '{"blob":""}'.length);
    const event = await audit.record({
      ...login('a'.repeat(1000)),
      reason: 'r'.repeat(1000),
      data: { blob },
    });
    assert.equal(event.seq, 1);
    assert.equal((await audit.verify()).ok, true);
  });
});

describe('reading', () => {
  async function seed() {
    const events: AuditEvent[] = [];
    const inputs: AuditEventInput[] = [
      login('corp:alice'),
      { code: 'request.created', actor: 'corp:alice', target: 'req_1', reason: 'payroll run' },
      { code: 'request.approved', actor: 'corp:bob', target: 'req_1' },
      { code: 'grant.started', actor: 'system', target: 'grt_1' },
      login('corp:bob'),
    ];
    for (const [i, input] of inputs.entries()) {
      now = T0 + i * 60_000;
      events.push(await audit.record(input));
    }
    return events;
  }

  test('filters by code, actor, target and time, and pages both ways by seq', async () => {
    await seed();
    const seqs = async (filter: Parameters<AuditLog['list']>[0]) =>
      (await audit.list(filter)).map((e) => e.seq);
    assert.deepEqual(await seqs({ code: 'auth.login', limit: 10 }), [1, 5]);
    assert.deepEqual(await seqs({ actor: 'corp:alice', limit: 10 }), [1, 2]);
    assert.deepEqual(await seqs({ target: 'req_1', limit: 10 }), [2, 3]);
    assert.deepEqual(await seqs({ from: T0 + 60_000, to: T0 + 180_000, limit: 10 }), [2, 3]);
    assert.deepEqual(await seqs({ afterSeq: 2, limit: 2 }), [3, 4]);
    assert.deepEqual(await seqs({ order: 'desc', limit: 2 }), [5, 4]);
    assert.deepEqual(await seqs({ order: 'desc', beforeSeq: 4, limit: 2 }), [3, 2]);
  });

  test('export writes JSON lines honouring the filter', async () => {
    const events = await seed();
    const lines: string[] = [];
    const count = await audit.export((line) => void lines.push(line), { actor: 'corp:bob' });
    assert.equal(count, 2);
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as AuditEvent),
      [events[2], events[4]],
    );
  });

  test('verify and export page through logs longer than one page', async () => {
    for (let i = 0; i < 2500; i++) await audit.record(login(`user-${i}`));
    const result = await audit.verify();
    assert.equal(result.ok && result.count, 2500);
    let count = 0;
    assert.equal(await audit.export(() => void count++), 2500);
    assert.equal(count, 2500);
  });

  test('verify and export let the event loop run between pages: the gate serves meanwhile', async () => {
    // SQLite answers synchronously: without a yield, the whole log is read in one turn.
    for (let i = 0; i < 2500; i++) await audit.record(login(`user-${i}`));
    let turns = 0;
    let counting = true;
    const turn = () => {
      if (!counting) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    await audit.verify();
    const whileVerifying = turns;
    await audit.export(() => undefined);
    counting = false;
    assert.ok(whileVerifying >= 2, `turns while verifying: ${whileVerifying}`);
    assert.ok(turns - whileVerifying >= 2, `turns while exporting: ${turns - whileVerifying}`);
  });
});
