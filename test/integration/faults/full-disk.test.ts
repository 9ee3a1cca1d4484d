// A full disk (the state folder on a small tmpfs, filled to the last byte): a transaction fails
// with the disk's own error (SQLITE_FULL), never with the rollback's; the store works again once
// space is back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { mountSmallDisk, type SmallDisk } from '../../support/small-disk.js';

let disk: SmallDisk;
before(() => (disk = mountSmallDisk(4)));
after(() => disk.unmount());

void describe('the SQLite store on a full disk', () => {
  it('fails a transaction with the disk error, and works again once space is back', async () => {
    const lines: string[] = [];
    const store = openSqliteStore(join(disk.dir, 'store', 'jitgate.db'), {
      log: createLogger({ write: (line) => lines.push(line) }),
    });
    try {
      await store.atomic(() => store.settings.putIfAbsent('before', 'kept'));
      disk.fill();
      for (const name of ['full1', 'full2']) {
        await assert.rejects(
          store.atomic(() => store.settings.putIfAbsent(name, 'x'.repeat(10_000))),
          (error: Error & { code?: string }) => {
            assert.equal(error.code, 'SQLITE_FULL', `${error.name}: ${error.message}`);
            return true;
          },
        );
      }
      disk.free();
      await store.atomic(() => store.settings.putIfAbsent('after', 'kept'));
      assert.equal(await store.settings.get('before'), 'kept');
      assert.equal(await store.settings.get('after'), 'kept');
      assert.equal(await store.settings.get('full1'), undefined);
      assert.deepEqual(lines, [], 'SQLite had rolled back by itself: nothing else to report');
    } finally {
      disk.free();
      await store.close();
    }
  });
});
