/**
 * RecordingRepository: a sealed recording comes back byte for byte (binary included) from any
 * replica; a recording is never rewritten (a second put keeps the first); an unknown id is none.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { T0, type ContractContext } from './context.js';

export function recordingContract(c: ContractContext): void {
  void describe('recordings', () => {
    void test('put keeps the cast and signature; every replica reads them back exactly', async () => {
      const id = c.unique('ts');
      const cast = Buffer.concat([Buffer.from('{"version":2}\n'), randomBytes(4096)]);
      const recording = { id, cast, signature: '{"sha256":"x"}', storedAt: T0 };
      assert.equal(await c.store().recordings.get(id), undefined);
      assert.equal(await c.store().recordings.put(recording), true);
      for (const store of [c.store(), c.replica() ?? c.store()]) {
        const read = await store.recordings.get(id);
        assert.ok(read);
        assert.ok(read.cast.equals(cast));
        assert.equal(read.signature, recording.signature);
        assert.equal(read.storedAt, T0);
      }
    });

    void test('a cast of several megabytes comes back whole (PostgreSQL keeps it in chunks)', async () => {
      const id = c.unique('ts');
      const cast = randomBytes(9 * 1024 * 1024 + 7);
      assert.equal(
        await c.store().recordings.put({ id, cast, signature: 's', storedAt: T0 }),
        true,
      );
      const read = await (c.replica() ?? c.store()).recordings.get(id);
      assert.ok(read?.cast.equals(cast));
      const empty = c.unique('ts');
      const none = Buffer.alloc(0);
      assert.equal(
        await c.store().recordings.put({ id: empty, cast: none, signature: 's', storedAt: T0 }),
        true,
      );
      assert.equal((await c.store().recordings.get(empty))?.cast.length, 0);
    });

    void test('signature and chunks read a recording without the other, in order', async () => {
      const id = c.unique('ts');
      const cast = randomBytes(9 * 1024 * 1024 + 7);
      await c.store().recordings.put({ id, cast, signature: 'sig', storedAt: T0 });
      const other = c.replica() ?? c.store();
      assert.equal(await other.recordings.signature(id), 'sig');
      const pieces: Buffer[] = [];
      for await (const piece of other.recordings.chunks(id)) pieces.push(piece);
      assert.ok(Buffer.concat(pieces).equals(cast));
      const unknown = c.unique('ts');
      assert.equal(await other.recordings.signature(unknown), undefined);
      for await (const piece of other.recordings.chunks(unknown))
        assert.fail(`an unknown id has no chunks (got ${piece.length} bytes)`);
    });

    void test('a second put of the same id keeps the first', async () => {
      const id = c.unique('ts');
      const first = { id, cast: Buffer.from('first'), signature: 'a', storedAt: T0 };
      assert.equal(await c.store().recordings.put(first), true);
      const other = c.replica() ?? c.store();
      const again = { id, cast: Buffer.from('second'), signature: 'b', storedAt: T0 + 1 };
      assert.equal(await other.recordings.put(again), false);
      assert.equal((await c.store().recordings.get(id))?.cast.toString(), 'first');
    });
  });
}
