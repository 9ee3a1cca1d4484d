// Two real jitgate processes on one PostgreSQL: a grant's expiry is recorded (one grant.expired)
// even when every replica's claim of it failed at the moment it expired (the store was busy or
// away for that moment), without waiting for a replica to restart.
import assert from 'node:assert/strict';
import { failClaims } from '../../support/failed-claims.js';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startReplicaCluster, type ReplicaCluster } from '../../support/replicas.js';
import { waitFor } from '../../support/wire.js';
import { bearerCall } from '../access/api-client.js';

let cluster: ReplicaCluster;

before(async () => {
  cluster = await startReplicaCluster(['a', 'b']);
  // Signed in once, so jitgate knows her (an admin grants only to known people).
  await cluster.login('alice', 'a', 'b');
});
after(async () => {
  await cluster?.stop();
});

async function expiredEvents(grantId: string): Promise<number> {
  const rows = await cluster.query(
    "SELECT count(*)::int AS n FROM audit_events WHERE code = 'grant.expired' AND data_json LIKE $1",
    [`%"${grantId}"%`],
  );
  return Number(rows[0]?.n);
}

void describe('a grant expiry whose record failed when it expired', () => {
  void it('is recorded once the store takes writes again, by a replica that kept running', async () => {
    cluster.to('a');
    const granted = await bearerCall(
      cluster.adminToken,
      cluster.url,
      'POST',
      '/api/v1/admin/grants',
      { user: 'alice', resource: 'echo', duration: '5s' },
    );
    assert.equal(granted.status, 201, granted.body);
    const grantId = String((granted.json.grant as { id: string }).id);

    // Each replica's claim of the expiry fails when the grant runs out.
    await failClaims(cluster, {
      table: 'grants',
      statement: 'UPDATE grants SET expiry_recorded_at = $2 WHERE id = $1',
      count: 2,
    });
    assert.equal(await expiredEvents(grantId), 0, 'not recorded while the claims failed');

    await waitFor(
      async () => (await expiredEvents(grantId)) > 0,
      20_000,
      'the expiry to be recorded',
    );
    assert.equal(await expiredEvents(grantId), 1);
  });
});
