// Replicas starting together on one PostgreSQL take turns through the migration lock: one that
// waits for another's migrations (however long they take) waits, and starts once they are done,
// rather than failing at the statement timeout its store sets for everyday statements.
import assert from 'node:assert/strict';
import pgClient from 'pg';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import { waitFor } from '../../support/wire.js';
import { LOCKS } from '../../../proxy/store/postgres/lock-keys.js';
import { openPostgresStore } from '../../../proxy/store/postgres/postgres-store.js';

let pg: TestPostgres;

before(async () => {
  pg = await startTestPostgres();
});
after(async () => {
  await pg?.stop();
});

void describe('migrations of replicas starting together', () => {
  void it('waits for another replica’s migrations past the statement timeout', async () => {
    const url = await pg.createDatabase();
    // Another replica migrating: it holds the lock.
    const other = new pgClient.Client({ connectionString: url });
    await other.connect();
    await other.query('SELECT pg_advisory_lock($1, $2)', [...LOCKS.migrate]);
    const statementTimeoutMs = 50;
    let failed: unknown;
    const opening = openPostgresStore({ url, statementTimeoutMs }).catch((error: unknown) => {
      failed = error;
      return undefined;
    });
    try {
      await waitFor(
        async () => {
          if (failed !== undefined) return true;
          const waiting = await other.query(
            `SELECT 1 FROM pg_stat_activity WHERE wait_event = 'advisory'
               AND now() - query_start > make_interval(secs => $1)`,
            [(statementTimeoutMs * 4) / 1000],
          );
          return waiting.rowCount === 1;
        },
        10_000,
        'the second replica to wait for the lock',
      );
      assert.equal(failed, undefined, 'waited, rather than failed at the statement timeout');
    } finally {
      await other.query('SELECT pg_advisory_unlock($1, $2)', [...LOCKS.migrate]);
      await other.end();
    }
    const store = await opening;
    assert.ok(store, 'started once the other replica was done');
    await store.close();
  });
});
