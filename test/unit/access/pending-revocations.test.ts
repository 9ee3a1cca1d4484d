// Grant ends the store refuses: they hold at once (the grant comes back ended and reads through
// the overlay see it ended), wait in order, and are written — audited once, with their original
// time — when the store takes writes again. Domain errors are not mistaken for store failures.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { PendingRevocations } from '../../../proxy/access/pending-revocations.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { GrantRecord, Store } from '../../../proxy/store/types.js';
import { personRecord } from '../../support/person.js';

const T0 = Date.parse('2026-01-05T10:00:00Z');
let store: Store;
let full: boolean;
let now: number;
let pending: PendingRevocations;
let audit: AuditLog;
const alerts: string[] = [];
/** What this replica told the others (the change feed's announce). */
const announced: string[] = [];

const grant = (id: string): GrantRecord => ({
  id,
  userId: 'corp:alice',
  resourceId: 'payroll',
  startsAt: T0,
  endsAt: T0 + 3_600_000,
  reason: null,
  createdBy: 'test',
  createdAt: T0,
  revokedAt: null,
  revokedBy: null,
});

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  full = false;
  now = T0;
  alerts.length = 0;
  announced.length = 0;
  // A store whose transactions fail while "the disk is full", as SQLite's do on SQLITE_FULL.
  const flaky: Store = Object.assign(Object.create(store) as Store, {
    atomic: <T>(work: () => Promise<T>) =>
      full ? Promise.reject(new Error('database or disk is full')) : store.atomic(work),
  });
  audit = new AuditLog(store.audit, store, () => now);
  pending = new PendingRevocations({
    store: flaky,
    audit,
    log: silentLogger,
    now: () => now,
    onUnrecorded: (p) => alerts.push(`unrecorded ${p.grantId} ${p.cause}`),
    onRecorded: (p) => alerts.push(`recorded ${p.grantId}`),
    changes: {
      announce: (change) => {
        if (change.kind === 'grant_end')
          announced.push(`${change.id} ${change.end} by ${change.actor}`);
        return Promise.resolve();
      },
    },
  });
  await store.users.upsert(personRecord('corp:alice', T0));
  for (const id of ['grt_a', 'grt_b']) await store.grants.insert(grant(id));
});
afterEach(() => store.close());

const ends = async () =>
  (await audit.list({ limit: 100 })).filter((e) => e.code !== 'config.loaded');

void describe('PendingRevocations', () => {
  test('writes an end with its audit event when the store takes it', async () => {
    const outcome = await pending.end(grant('grt_a'), {
      actor: 'bob',
      code: 'grant.revoked',
      reason: 'done',
    });
    assert.equal(outcome.recorded, true);
    assert.equal(outcome.grant.revokedAt, T0);
    assert.deepEqual(
      (await ends()).map((e) => [e.code, e.data.grant]),
      [['grant.revoked', 'grt_a']],
    );
    assert.equal(pending.size, 0);
  });

  test('holds an end the store refuses, and the overlay reads it as ended', async () => {
    full = true;
    const outcome = await pending.end(grant('grt_a'), {
      actor: 'bob',
      code: 'grant.revoked',
      reason: null,
    });
    assert.deepEqual([outcome.recorded, outcome.first, outcome.grant.revokedAt], [false, true, T0]);
    assert.deepEqual(alerts, ['unrecorded grt_a Error: database or disk is full']);
    const seen = pending.overlay(store);
    assert.equal((await seen.grants.get('grt_a'))?.revokedBy, 'bob');
    assert.deepEqual(
      (await seen.grants.listLive(T0)).map((g) => g.id),
      ['grt_b'],
    );
    assert.equal((await store.grants.get('grt_a'))?.revokedAt, null, 'not written yet');
    const again = await pending.end(grant('grt_a'), {
      actor: 'carol',
      code: 'grant.revoked',
      reason: null,
    });
    assert.deepEqual([again.first, again.grant.revokedBy], [false, 'bob']);
  });

  test('writes what waits, in order, with the original time, once the store takes writes', async () => {
    full = true;
    await pending.end(grant('grt_a'), { actor: 'bob', code: 'grant.revoked', reason: null });
    now = T0 + 1000;
    await pending.end(grant('grt_b'), { actor: 'alice', code: 'grant.released', reason: null });
    now = T0 + 5000;
    assert.equal(await pending.flush(), 0, 'still full');
    full = false;
    assert.equal(await pending.flush(), 2);
    assert.equal(pending.size, 0);
    assert.equal((await store.grants.get('grt_a'))?.revokedAt, T0);
    assert.equal((await store.grants.get('grt_b'))?.revokedAt, T0 + 1000);
    const events = await ends();
    assert.deepEqual(
      events.map((e) => [e.code, e.actor, e.data.grant, e.data.recordedLate]),
      [
        ['grant.revoked', 'bob', 'grt_a', true],
        ['grant.released', 'alice', 'grt_b', true],
      ],
    );
    assert.equal(await pending.flush(), 0, 'nothing twice');
    assert.deepEqual(alerts.slice(-2), ['recorded grt_a', 'recorded grt_b']);
  });

  test('an unknown grant is refused, not held', async () => {
    await assert.rejects(
      pending.end(grant('grt_nope'), { actor: 'bob', code: 'grant.revoked', reason: null }),
      /no grant/,
    );
    assert.equal(pending.size, 0);
  });

  test('an end the store refuses is told to the other replicas, and again at each retry', async () => {
    full = true;
    await pending.end(grant('grt_a'), { actor: 'bob', code: 'grant.revoked', reason: null });
    await pending.end(grant('grt_b'), {
      actor: 'corp:alice',
      code: 'grant.released',
      reason: null,
    });
    assert.deepEqual(announced, ['grt_a revoked by bob', 'grt_b released by corp:alice']);
    await pending.flush();
    assert.deepEqual(announced.slice(2), ['grt_a revoked by bob', 'grt_b released by corp:alice']);
    full = false;
    await pending.flush();
    assert.equal(announced.length, 4, 'recorded: nothing more to tell');
  });

  test('an end heard from another replica reads as ended here until the store has it', async () => {
    pending.hear({ grantId: 'grt_a', end: 'revoked', actor: 'bob' });
    const seen = pending.overlay(store);
    assert.deepEqual(
      [(await seen.grants.get('grt_a'))?.revokedBy, (await seen.grants.get('grt_a'))?.revokedAt],
      ['bob', T0],
    );
    assert.deepEqual(
      (await seen.grants.listLive(T0)).map((g) => g.id),
      ['grt_b'],
    );
    assert.equal(await seen.grants.claimExpiry('grt_a', T0), false, 'revoked, not expired');
    assert.equal(pending.size, 0, 'not this replica’s to record');

    await pending.flush();
    assert.equal((await seen.grants.get('grt_a'))?.revokedAt, T0, 'the store does not have it yet');
    assert.equal(
      (await store.grants.get('grt_a'))?.revokedAt,
      null,
      'nor did this replica write it',
    );

    now = T0 + 9000; // the replica that took the end records it, with its own time
    await store.grants.revoke('grt_a', 'bob', T0 - 10);
    await pending.flush();
    assert.equal(pending.idle, true, 'let go once the store has it');
    assert.equal((await seen.grants.get('grt_a'))?.revokedAt, T0 - 10);
  });
});
