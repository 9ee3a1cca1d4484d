// Recording storage on a real folder: server-made ids only, a sealed file verifies and a flipped
// byte does not, a signature by another key is not trusted, another recording's sealed files do
// not verify as this one, nor does a file that differs from the checksum stored at the session's
// end; crash recovery keeps every whole line, drops a torn last one, marks the file recovered and
// seals it, but only for sessions that were still live: anything else is never re-signed.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  newRecordingId,
  parseCast,
  recoverRecordings,
  RecordingStorage,
  sealRecording,
  verifyRecording,
} from '../../../../recorder/asciicast/index.js';
import { cutAndReopen } from '../../../support/recording-tamper.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-recordings-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = generateKeyPairSync('ed25519').privateKey;
const storage = new RecordingStorage({
  dir,
  signingKey: key,
  trustedKeys: [createPublicKey(key)],
  now: Date.now,
});
const header = { version: 2 as const, width: 80, height: 24, timestamp: 1 };

/** Records `text` and seals it as a session that ended normally would. */
async function record(text: string) {
  const id = newRecordingId();
  const started = await storage.start(id, header, { onError: () => undefined });
  started.writer.output(text);
  return { id, sealed: await storage.finish(started) };
}

void describe('RecordingStorage', () => {
  it('accepts only its own ids, so no path reaches the file system', () => {
    assert.match(newRecordingId(), /^ts_[A-Za-z0-9_-]{22}$/);
    for (const id of [
      '../etc/passwd',
      'ts_../../x',
      `ts_${'a'.repeat(21)}/`,
      'ts_aaaaaaaaaaaaaaaaaaaaa%2f',
    ])
      assert.throws(() => storage.pathOf(id), /not a recording id/);
  });

  it('seals a finished recording that verifies until one byte changes', async () => {
    const id = newRecordingId();
    const started = await storage.start(id, header, { onError: () => undefined });
    started.writer.output('secret stuff\r\n');
    const sealed = await storage.finish(started);
    assert.equal(sealed.recovered, false);
    assert.ok(!existsSync(`${storage.pathOf(id)}.open`), 'the marker is gone once sealed');
    assert.deepEqual(await storage.verify(id, sealed.sha256), {
      ok: true,
      sha256: sealed.sha256,
      bytes: sealed.bytes,
      keyId: sealed.keyId,
      recovered: false,
    });
    const content = readFileSync(storage.pathOf(id));
    content[content.length - 4] = (content[content.length - 4] ?? 0) ^ 1;
    const tampered = verifyRecording(content, sealed, storage.trustedKeys, expected(id));
    assert.equal(tampered.ok ? '' : tampered.reason, 'checksum_mismatch');
  });

  it("does not verify another recording's sealed files as this one", async () => {
    const a = await record('rm -rf /srv/payroll\r\n');
    const b = await record('ls\r\n');
    copyFileSync(storage.pathOf(b.id), storage.pathOf(a.id));
    copyFileSync(`${storage.pathOf(b.id)}.sig.json`, `${storage.pathOf(a.id)}.sig.json`);
    // Checksum and signature are B's own and both hold: only the id they were sealed for tells.
    const swapped = await storage.verify(a.id, null);
    assert.deepEqual(swapped.ok ? 'ok' : [swapped.reason, swapped.detail], [
      'recording_mismatch',
      `sealed for ${b.id}`,
    ]);
    const content = readFileSync(storage.pathOf(a.id));
    const direct = verifyRecording(content, b.sealed, storage.trustedKeys, expected(a.id));
    assert.equal(direct.ok ? 'ok' : direct.reason, 'recording_mismatch');
    assert.ok((await storage.verify(b.id, b.sealed.sha256)).ok, 'B itself still verifies');
  });

  it('does not verify a file that differs from the checksum stored at its end', async () => {
    const { id, sealed } = await record('whoami\r\n');
    const stored = 'f'.repeat(64);
    const result = await storage.verify(id, stored);
    assert.deepEqual(result.ok ? 'ok' : [result.reason, result.detail], [
      'stored_checksum_mismatch',
      `sha256 ${sealed.sha256}, stored at the session's end as ${stored}`,
    ]);
    assert.ok((await storage.verify(id, sealed.sha256)).ok);
    assert.ok((await storage.verify(id, null)).ok, 'nothing stored: the seal alone decides');
  });

  it('does not trust a signature made with another key', async () => {
    const id = newRecordingId();
    const started = await storage.start(id, header, { onError: () => undefined });
    const sealed = await storage.finish(started);
    const content = readFileSync(storage.pathOf(id));
    const forged = sealRecording({
      ...sealed,
      privateKey: generateKeyPairSync('ed25519').privateKey,
      now: Date.now(),
    });
    const result = verifyRecording(content, forged, storage.trustedKeys, expected(id));
    assert.equal(result.ok ? '' : result.reason, 'untrusted_key');
    const badSignature = verifyRecording(
      content,
      { ...sealed, signature: forged.signature },
      storage.trustedKeys,
      expected(id),
    );
    assert.equal(badSignature.ok ? '' : badSignature.reason, 'bad_signature');
  });

  it('refuses to create a recording twice', async () => {
    const id = newRecordingId();
    await storage.start(id, header, { onError: () => undefined });
    await assert.rejects(storage.start(id, header, { onError: () => undefined }));
  });

  it('recovers what a crash left open: whole lines kept, torn line dropped, sealed as recovered', async () => {
    const id = newRecordingId();
    const path = storage.pathOf(id);
    writeFileSync(`${path}.open`, '{}');
    writeFileSync(path, JSON.stringify(header) + '\n');
    appendFileSync(path, '[0.5,"o","before the crash\\r\\n"]\n[1.25,"o","torn li');
    const empty = newRecordingId();
    writeFileSync(`${storage.pathOf(empty)}.open`, '{}');
    writeFileSync(storage.pathOf(empty), '{"version":');
    const { recovered } = await recoverRecordings(storage, new Set([id, empty]));
    const ids = recovered.map((r) => r.id);
    assert.ok(ids.includes(id) && !ids.includes(empty), ids.join());
    assert.ok(!existsSync(`${path}.open`));
    assert.ok(!existsSync(storage.pathOf(empty)), 'a file without even a header is removed');
    const cast = parseCast(readFileSync(path, 'utf8'));
    assert.deepEqual(cast.events[0], [0.5, 'o', 'before the crash\r\n']);
    assert.equal(cast.events.length, 2);
    assert.equal(cast.events[1]?.[1], 'm');
    assert.match(cast.events[1]?.[2] ?? '', /^recovered/);
    const verified = await storage.verify(id, null);
    assert.ok(verified.ok && verified.recovered);
  });

  it('never re-signs a recording whose session was not live: left as it is', async () => {
    const { id, sealed } = await record('echo fine\r\necho EVIL\r\n');
    const path = storage.pathOf(id);
    // Lines cut out of a sealed recording, its sidecar removed and a marker dropped beside it.
    const edited = cutAndReopen(path, 'EVIL', '{}');
    const result = await recoverRecordings(storage, new Set());
    assert.deepEqual(result.recovered, []);
    assert.ok(result.notLive.includes(id), result.notLive.join());
    assert.equal(readFileSync(path, 'utf8'), edited, 'the file is not touched');
    assert.ok(!existsSync(`${path}.sig.json`), 'nothing is signed');
    assert.ok(existsSync(`${path}.open`), 'the marker is for the caller to judge');
    const verified = await storage.verify(id, sealed.sha256);
    assert.equal(verified.ok, false);
  });
});

/** What a recording checked by id is expected to be: nothing stored for it here. */
function expected(id: string) {
  return { recording: id, storedSha256: null };
}
