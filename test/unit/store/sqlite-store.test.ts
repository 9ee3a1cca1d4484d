// The SQLite store against the shared Store contract, in memory and on disk, plus what only a
// file can show: data kept across reopening and migrations applied exactly once.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openSqlite } from '../../../proxy/store/sqlite/database.js';
import { migrate } from '../../../proxy/store/sqlite/migrations.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { UserRecord } from '../../../proxy/store/types.js';
import { storeContract } from '../../support/store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite in memory', async () => openSqliteStore(':memory:'));
storeContract('sqlite file', async () => openSqliteStore(join(dir, 'contract', 'state.db')));

const alice: UserRecord = {
  id: 'corp:a-1',
  idp: 'corp',
  subject: 'a-1',
  username: 'alice',
  email: 'alice@example.com',
  name: null,
  groups: ['staff'],
  kind: 'person',
  lastLoginAt: 1_700_000_000_000,
};

/** The rows of schema_version in the file at `path`. */
function versions(path: string): number[] {
  const db = openSqlite(path);
  try {
    return db
      .all('SELECT version FROM schema_version ORDER BY version')
      .map((row) => Number(row.version));
  } finally {
    db.close();
  }
}

void describe('sqlite store on disk', () => {
  void test('creates missing folders, private to the owner', async () => {
    const path = join(dir, 'fresh', 'deeper', 'state.db');
    const store = openSqliteStore(path);
    await store.close();
    assert.ok(existsSync(path));
    assert.equal(statSync(join(dir, 'fresh', 'deeper')).mode & 0o777, 0o700);
  });

  void test('keeps data across reopening and migrates only once', async () => {
    const path = join(dir, 'reopen', 'state.db');
    const first = openSqliteStore(path);
    await first.users.upsert(alice);
    await first.settings.putIfAbsent('key', 'one');
    await first.close();
    const applied = versions(path);
    assert.ok(applied.length > 0);
    assert.deepEqual(
      applied,
      applied.map((_, i) => i + 1),
    );

    for (let i = 0; i < 2; i++) {
      const again = openSqliteStore(path);
      assert.deepEqual(await again.users.get(alice.id), alice);
      assert.equal(await again.settings.putIfAbsent('key', 'two'), 'one');
      await again.close();
    }
    assert.deepEqual(versions(path), applied);
  });

  void test('migrate is idempotent on an open database', () => {
    const db = openSqlite(join(dir, 'migrate.db'));
    try {
      const count = migrate(db);
      assert.equal(migrate(db), count);
      assert.equal(migrate(db), count);
      const row = db.get('SELECT count(*) AS n FROM schema_version');
      assert.equal(Number(row?.n), count);
    } finally {
      db.close();
    }
  });

  void test('a grant must name a known user', async () => {
    const store = openSqliteStore(':memory:');
    try {
      await assert.rejects(
        store.grants.insert({
          id: 'grt_orphan',
          userId: 'corp:nobody',
          resourceId: 'payroll',
          startsAt: 0,
          endsAt: 1,
          reason: null,
          createdBy: 'admin',
          createdAt: 0,
          revokedAt: null,
          revokedBy: null,
        }),
        /FOREIGN KEY/,
      );
    } finally {
      await store.close();
    }
  });
});
