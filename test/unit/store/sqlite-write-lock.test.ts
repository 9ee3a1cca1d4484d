// The SQLite store shares its database file with other connections: its own write thread
// (trail batches, heartbeats) and offline commands. A store call that reads and then writes in
// one transaction (a sign-in start: is the client blocked, then count it) must wait for another
// connection's write like any other write does, not fail with "database is locked". Found under
// load: GET /auth/login answered 500 (SQLITE_BUSY) while the write thread committed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-write-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Another process committing small writes to the same file until it is told to stop. */
function busyWriter(path: string) {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]);
       db.pragma('busy_timeout = 5000');
       const put = db.prepare('INSERT INTO rate_limits (key, count, reset_at) VALUES (?, 1, 0) ON CONFLICT (key) DO UPDATE SET count = count + 1');
       let n = 0;
       process.stdout.write('ready\\n');
       const loop = () => { for (let i = 0; i < 50; i++) put.run('other-' + (n++ % 10)); setImmediate(loop); };
       loop();
       process.stdin.on('data', () => process.exit(0));`,
      path,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    void stopped.then(() => reject(new Error('the other writer exited before it was ready')));
  });
  return { ready, stop: () => (child.stdin.write('stop\n'), stopped) };
}

void describe('SQLite store next to another writer', () => {
  it('a read-then-write call waits for the lock instead of failing', async () => {
    const path = join(dir, 'jitgate.db');
    const store = openSqliteStore(path);
    const writer = busyWriter(path);
    await writer.ready;
    const failures: string[] = [];
    try {
      for (let i = 0; i < 3000; i++) {
        await store.rateLimits
          .hitUnlessSpent(`start:${i % 7}`, 60_000, 1_000 + i, { key: `fail:${i % 7}`, max: 5 })
          .catch((error: Error) => failures.push(error.message));
      }
    } finally {
      await writer.stop();
      await store.close();
    }
    assert.deepEqual(failures.slice(0, 3), []);
  });
});
