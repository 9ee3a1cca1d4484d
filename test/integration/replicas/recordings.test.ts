// Terminal recordings across replicas, on a real PostgreSQL: a recording sealed on replica A's
// disk is put in the store, so replica B (another disk, another store connection) plays it back
// byte for byte, reads its signature and verifies it. A store that refuses the recording does not
// fail the seal: the recording stays on A's disk, readable there, and the refusal is reported.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { newRecordingId, RecordingStorage } from '../../../recorder/asciicast/index.js';
import {
  openPostgresStore,
  type PostgresStore,
} from '../../../proxy/store/postgres/postgres-store.js';
import { recordingArchive } from '../../../proxy/server/recording-archive.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';

const header = { version: 2 as const, width: 80, height: 24, timestamp: 1 };
const key = generateKeyPairSync('ed25519').privateKey;
let pg: TestPostgres;
let url: string;
const dirs: string[] = [];
const stores: PostgresStore[] = [];

before(async () => {
  pg = await startTestPostgres();
  url = await pg.createDatabase();
});
after(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  await pg?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A replica's recording storage: its own folder, its own store connection, as terminal-wiring. */
async function replica(name: string, errors: unknown[] = []) {
  const dir = mkdtempSync(join(tmpdir(), `jitgate-recordings-${name}-`));
  dirs.push(dir);
  const store = await openPostgresStore({ url, applicationName: name });
  stores.push(store);
  const storage = new RecordingStorage({
    dir,
    signingKey: key,
    trustedKeys: [createPublicKey(key)],
    now: Date.now,
    archive: recordingArchive({ driver: 'postgres' }, store, Date.now),
    onArchiveError: (_id, error) => errors.push(error),
  });
  return { storage, store };
}

async function record(storage: RecordingStorage, text: string) {
  const id = newRecordingId();
  const started = await storage.start(id, header, { onError: () => undefined });
  started.writer.output(text);
  const sealed = await storage.finish(started);
  return { id, sealed };
}

void describe('recordings on several replicas', () => {
  it('plays back and verifies at B what A recorded', async () => {
    const a = await replica('a');
    const b = await replica('b');
    const { id, sealed } = await record(a.storage, 'ls -l\r\ntotal 0\r\n');
    const written = readFileSync(a.storage.pathOf(id));
    assert.ok((await b.storage.read(id)).equals(written));
    assert.deepEqual(await b.storage.signature(id), sealed);
    const verified = await b.storage.verify(id, sealed.sha256);
    assert.ok(verified.ok, JSON.stringify(verified));
    assert.equal(verified.sha256, sealed.sha256);
  });

  it('keeps a recording the store refused on the disk that wrote it, and says so', async () => {
    const errors: unknown[] = [];
    const a = await replica('a-down', errors);
    const b = await replica('b-up');
    await a.store.close();
    const { id } = await record(a.storage, 'whoami\r\n');
    assert.equal(errors.length, 1);
    assert.ok((await a.storage.verify(id, null)).ok);
    await assert.rejects(b.storage.read(id), { code: 'ENOENT' });
    assert.equal(await b.storage.signature(id), undefined);
  });
});
