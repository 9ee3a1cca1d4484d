// Two real jitgate processes on one PostgreSQL: a scheduled grant's start is recorded (one
// grant.started) even when every replica's claim of it failed at the moment it started (the
// store was busy or away for that moment), without waiting for a replica to restart.
import assert from 'node:assert/strict';
import { failClaims } from '../../support/failed-claims.js';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { TestBrowser } from '../../support/http-client.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { waitFor } from '../../support/wire.js';
import { call } from '../access/api-client.js';

let cluster: ReplicaCluster;
let alice: TestBrowser;
let bob: TestBrowser;

before(async () => {
  cluster = await startReplicaCluster(['a', 'b']);
  alice = await cluster.login('alice', 'a', 'a');
  bob = await cluster.login('bob', 'a', 'a');
});
after(async () => {
  await cluster?.stop();
});

async function startedEvents(grantId: string): Promise<number> {
  const rows = await cluster.query(
    "SELECT count(*)::int AS n FROM audit_events WHERE code = 'grant.started' AND data_json LIKE $1",
    [`%"${grantId}"%`],
  );
  return Number(rows[0]?.n);
}

void describe('a scheduled grant start whose record failed when it started', () => {
  void it('is recorded once the store takes writes again, by a replica that kept running', async () => {
    cluster.to('a');
    const made = await call(alice, cluster.url, 'POST', '/api/v1/requests', {
      resource: 'echo',
      duration: '30m',
      reason: 'scheduled',
      startAt: new Date(Date.now() + 5_000).toISOString(),
    });
    assert.equal(made.status, 201, made.body);
    const id = String((made.json.request as { id: string }).id);
    const approved = await call(bob, cluster.url, 'POST', `/api/v1/requests/${id}/approve`, {});
    assert.equal(approved.status, 200, approved.body);
    const grantId = String((approved.json.grant as { id: string }).id);

    // Each replica's claim of the start fails when the grant starts.
    await failClaims(cluster, {
      table: 'grants',
      statement: 'UPDATE grants SET start_recorded_at = $1',
      count: 2,
    });
    assert.equal(await startedEvents(grantId), 0, 'not recorded while the claims failed');

    await waitFor(async () => (await startedEvents(grantId)) > 0, 20_000, 'the start recorded');
    assert.equal(await startedEvents(grantId), 1);
  });
});
