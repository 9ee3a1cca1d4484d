// better-sqlite3 builds SQLite with a 16 MB page cache per connection. The write thread's
// connection only appends trail rows, yet under the bench's load its cache filled to 16 MiB of
// pages never read again (heaptrack): every connection jitgate opens sets SQLite's own 2 MB.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PAGE_CACHE_KIB, openSqlite } from '../../../proxy/store/sqlite/database.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-page-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void describe('SQLite connections', () => {
  it('bound their page cache to SQLite’s default, not the 16 MB better-sqlite3 builds in', () => {
    const path = join(dir, 'jitgate.db');
    const first = openSqlite(path);
    const second = openSqlite(path);
    try {
      for (const db of [first, second])
        assert.deepEqual(db.get('PRAGMA cache_size'), { cache_size: -PAGE_CACHE_KIB });
      assert.equal(PAGE_CACHE_KIB, 2000);
    } finally {
      first.close();
      second.close();
    }
  });
});
