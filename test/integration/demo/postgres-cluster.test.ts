// The private PostgreSQL the demo and the tests start: a cluster a crashed run left running is
// stopped and removed by the next start (stopLeftoverCluster), and nothing else is touched.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../../support/guarded-test.js';
import { startPostgresCluster, stopLeftoverCluster } from '../../../proxy/demo/postgres-cluster.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

void describe('private PostgreSQL cluster', () => {
  void it('a leftover cluster that still runs is stopped and its folder removed', async () => {
    const cluster = await startPostgresCluster();
    const pidFile = join(cluster.dir, 'data', 'postmaster.pid');
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    assert.ok(alive(pid), 'the server runs');
    await stopLeftoverCluster(cluster.dir);
    assert.equal(alive(pid), false, 'the server is stopped');
    assert.equal(existsSync(cluster.dir), false, 'the folder is gone');
    await cluster.stop(); // the owner's own stop after that is harmless
  });

  void it('leaves alone a folder it did not make', async () => {
    const other = mkdtempSync(join(tmpdir(), 'not-a-cluster-'));
    await stopLeftoverCluster(other);
    assert.ok(existsSync(other));
    rmSync(other, { recursive: true });
  });
});
