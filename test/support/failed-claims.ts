/**
 * Makes the replicas' claims of once-only work fail as a store that is away for a moment fails
 * them: the table is held by a transaction of the test, and each claim statement that waits for
 * it is cancelled (SQLSTATE 57014, as a statement timeout or a PostgreSQL restart would end it),
 * until `count` different connections (one per replica) have tried; then the table is let go.
 */
import pgClient from 'pg';
import type { ReplicaCluster } from './replicas.js';
import { waitFor } from './wire.js';

export async function failClaims(
  cluster: ReplicaCluster,
  { table, statement, count }: { table: string; statement: string; count: number },
): Promise<void> {
  const locker = new pgClient.Client({ connectionString: cluster.storeUrl });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
  const cancelled = new Set<number>();
  try {
    await waitFor(
      async () => {
        const waiting = await cluster.query(
          `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
          [`${statement}%`],
        );
        for (const { pid } of waiting) {
          const [sent] = await cluster.query('SELECT pg_cancel_backend($1) AS sent', [pid]);
          if (sent?.sent === true) cancelled.add(Number(pid));
        }
        return cancelled.size >= count;
      },
      20_000,
      `${count} claims to try and fail`,
    );
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
}
