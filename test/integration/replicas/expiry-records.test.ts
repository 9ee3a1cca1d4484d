// Two real jitgate processes on one PostgreSQL: a grant's expiry is recorded (one grant.expired)
// even when every replica's claim of it failed at the moment it expired (the store was busy or
// away for that moment), without waiting for a replica to restart.
import assert from 'node:assert/strict';
import pgClient from 'pg';
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

/** The backends of the replicas' expiry claims that wait for the grants table. */
const waitingClaims = () =>
  cluster.query(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'
    AND query LIKE 'UPDATE grants SET expiry_recorded_at = $2 WHERE id = $1%'`);

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

    // The grants table held by someone else: each replica's claim of the expiry waits, and is
    // cancelled (as a statement timeout or a restart of PostgreSQL would end it).
    const locker = new pgClient.Client({ connectionString: cluster.storeUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE grants IN EXCLUSIVE MODE');
    const cancelled = new Set<number>();
    try {
      await waitFor(
        async () => {
          for (const { pid } of await waitingClaims()) {
            const [sent] = await cluster.query('SELECT pg_cancel_backend($1) AS sent', [pid]);
            if (sent?.sent === true) cancelled.add(Number(pid));
          }
          return cancelled.size >= 2;
        },
        20_000,
        'both replicas to try to record the expiry',
      );
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    assert.equal(await expiredEvents(grantId), 0, 'not recorded while the claims failed');

    await waitFor(
      async () => (await expiredEvents(grantId)) > 0,
      20_000,
      'the expiry to be recorded',
    );
    assert.equal(await expiredEvents(grantId), 1);
  });
});
