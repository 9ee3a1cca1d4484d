// The SQLite store's write thread: a failure comes back with SQLite's code (the trail writer logs
// it and retries; readiness reports it), and close() waits for writes already sent, so a clean
// stop loses none.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openSqlite } from '../../../proxy/store/sqlite/database.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { createWriteThread } from '../../../proxy/store/sqlite/write-thread.js';
import { trailRow } from '../../support/trail-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-write-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void describe('SQLite write thread', () => {
  void test('a failed batch rejects with the SQLite error code', async () => {
    const path = join(dir, 'no-tables.db');
    openSqlite(path).close(); // a database without jitgate's tables
    const thread = createWriteThread(path);
    try {
      await assert.rejects(thread.insertTrail([trailRow()]), (error: Error & { code?: string }) => {
        assert.match(error.message, /no such table: trail_requests/);
        assert.equal(error.code, 'SQLITE_ERROR');
        return true;
      });
    } finally {
      await thread.close();
    }
  });

  void test('close() waits for the batches already sent', async () => {
    const path = join(dir, 'state.db');
    const store = openSqliteStore(path);
    const batches = [1, 2, 3].map((n) => store.trail.insertMany([trailRow({ path: `/${n}` })]));
    await store.close();
    await Promise.all(batches);
    const reopened = openSqliteStore(path);
    try {
      assert.equal(await reopened.trail.count({}), 3);
    } finally {
      await reopened.close();
    }
  });
});
