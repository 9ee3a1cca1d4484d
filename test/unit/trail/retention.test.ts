// Trail retention with an injected clock: each resource keeps its own number of days, only rows
// past it go (in chunks, however many), and one audit event says what was deleted per resource.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { validateConfig } from '../../../proxy/config/load.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { runRetention } from '../../../proxy/trail/retention.js';
import { trailRow } from '../../support/trail-contract.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

const config = validateConfig({
  identityProviders: [{ id: 'corp', issuer: 'https://idp.example.com', clientId: 'x' }],
  resources: [
    { id: 'payroll', kind: 'web', host: 'payroll.example.com', upstream: 'http://10.0.0.5' },
    {
      id: 'wiki',
      kind: 'web',
      host: 'wiki.example.com',
      upstream: 'http://10.0.0.6',
      trail: { retentionDays: 7 },
    },
  ],
});

function setup() {
  const store = openSqliteStore(':memory:');
  const audit = new AuditLog(store.audit, store, () => NOW);
  const deps = { store, audit, resources: config.resources, now: () => NOW };
  return { store, audit, deps };
}

void describe('trail retention', () => {
  void test('deletes only rows past their resource retention, and audits the counts', async () => {
    const { store, audit, deps } = setup();
    await store.trail.insertMany([
      trailRow({ time: NOW - 91 * DAY }), // payroll keeps 90 days (default): goes
      trailRow({ time: NOW - 89 * DAY }), // stays
      trailRow({ time: NOW - 8 * DAY, resourceId: 'wiki' }), // wiki keeps 7 days: goes
      trailRow({ time: NOW - 6 * DAY, resourceId: 'wiki' }), // stays
      trailRow({ time: NOW - 900 * DAY, resourceId: 'gone' }), // not configured: kept
    ]);
    const result = await runRetention(deps);
    assert.deepEqual(result, { deleted: { payroll: 1, wiki: 1 }, total: 2 });
    assert.equal(await store.trail.count({}), 3);
    const [event] = await audit.list({ code: 'trail.retention', limit: 10 });
    assert.equal(event?.actor, 'system');
    assert.deepEqual(event?.data.deleted, { payroll: 1, wiki: 1 });
    assert.equal(event?.data.total, 2);
    assert.deepEqual(event?.data.olderThan, {
      payroll: new Date(NOW - 90 * DAY).toISOString(),
      wiki: new Date(NOW - 7 * DAY).toISOString(),
    });
  });

  void test('a run with nothing to delete writes no event', async () => {
    const { store, audit, deps } = setup();
    await store.trail.insertMany([trailRow({ time: NOW })]);
    assert.deepEqual(await runRetention(deps), { deleted: {}, total: 0 });
    assert.deepEqual(await audit.list({ code: 'trail.retention', limit: 10 }), []);
  });

  void test('a backlog larger than one chunk is deleted completely', async () => {
    const { store, deps } = setup();
    const old = Array.from({ length: 4500 }, () => trailRow({ time: NOW - 100 * DAY }));
    await store.trail.insertMany(old);
    assert.equal((await runRetention(deps)).total, 4500);
    assert.equal(await store.trail.count({}), 0);
  });
});
