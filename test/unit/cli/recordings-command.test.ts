// `jitgate recordings verify|export ID` offline on a state folder finds a recording wherever a
// process of that state folder wrote it: `recordings/` of a single process, or
// `workers/<n>/recordings/` of each worker of `server.workers` (docs/deployment.md). An export is
// audited (`recording.exported`, actor admin-cli) as a download from the portal is. verify holds a
// recording to the id asked about and to the checksum its session's row stored at its end.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { newRecordingId, RecordingStorage } from '../../../recorder/asciicast/index.js';
import { CliError } from '../../../proxy/cli/exit-codes.js';
import { recordingsCommand } from '../../../proxy/cli/recordings-command.js';
import { recordingSigningKey } from '../../../proxy/terminal/recording-key.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';

const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-recordings-cli-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

/** Records and seals one session in `folder` with the state folder's key; its id. */
async function recordIn(folder: string, text = 'whoami\r\nroot\r\n'): Promise<string> {
  const store = openSqliteStore(join(stateDir, 'jitgate.db'));
  try {
    const signingKey = await recordingSigningKey(store.settings);
    const storage = new RecordingStorage({
      dir: folder,
      signingKey,
      trustedKeys: [createPublicKey(signingKey)],
      now: Date.now,
    });
    const id = newRecordingId();
    const started = await storage.start(
      id,
      { version: 2, width: 80, height: 24, timestamp: 1 },
      { onError: () => undefined },
    );
    started.writer.output(text);
    await storage.finish(started);
    return id;
  } finally {
    await store.close();
  }
}

/** What the command printed on stdout, and the exit code it set. */
async function run(args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  const log = mock.method(console, 'log', () => undefined);
  const error = mock.method(console, 'error', () => undefined);
  const exitCode = process.exitCode;
  try {
    await recordingsCommand(args);
    return {
      out: log.mock.calls.map((call) => String(call.arguments[0])).join('\n'),
      exitCode: process.exitCode === undefined ? undefined : Number(process.exitCode),
    };
  } finally {
    process.exitCode = exitCode;
    log.mock.restore();
    error.mock.restore();
  }
}

/** A session row that ended with its recording sealed as `sha256`, as the proxy stores one. */
async function endedSession(id: string, sha256: string): Promise<void> {
  const store = openSqliteStore(join(stateDir, 'jitgate.db'));
  try {
    await store.terminalSessions.insert({
      id,
      userId: 'demo:alice',
      resourceId: 'prod-shell',
      login: 'deploy',
      grantId: 'grt_test',
      via: 'cli',
      startedAt: Date.now() - 1000,
      endedAt: null,
      endReason: null,
      state: 'live',
      recordingState: 'recording',
      recording: `${id}.cast`,
      checksum: null,
      bytes: null,
      instance: null,
    });
    await store.terminalSessions.end(id, {
      endedAt: Date.now(),
      endReason: 'exit',
      recordingState: 'complete',
      checksum: sha256,
      bytes: 1,
    });
  } finally {
    await store.close();
  }
}

let single = '';
let worker = '';
before(async () => {
  single = await recordIn(join(stateDir, 'recordings'));
  worker = await recordIn(join(stateDir, 'workers', '2', 'recordings'));
});

void describe('jitgate recordings, offline', () => {
  void it("verifies a recording of a worker's folder by its id", async () => {
    const { out, exitCode } = await run(['verify', worker, '--state-dir', stateDir]);
    assert.match(out, new RegExp(`^ok: ${worker}\\.cast sha256 [0-9a-f]{64}$`));
    assert.equal(exitCode, undefined);
  });

  void it("exports a recording of a worker's folder by its id", async () => {
    const out = join(stateDir, 'case-1');
    await run(['export', worker, '--out', out, '--state-dir', stateDir]);
    for (const file of [`${worker}.cast`, `${worker}.cast.sig.json`, 'jitgate-recordings.pub.pem'])
      assert.ok(existsSync(join(out, file)), file);
    const store = openSqliteStore(join(stateDir, 'jitgate.db'));
    try {
      const events = await store.audit.list({ code: 'recording.exported', limit: 10 });
      assert.deepEqual(
        events.map((e) => [e.actor, e.data.session, e.data.via, e.data.osUser]),
        [['admin-cli', worker, 'cli', userInfo().username]],
        'audited as a download is',
      );
    } finally {
      await store.close();
    }
  });

  void it('still finds the recordings of a single process', async () => {
    const { out } = await run(['verify', single, '--state-dir', stateDir]);
    assert.match(out, new RegExp(`^ok: ${single}\\.cast`));
  });

  void it("fails another recording's files copied over this one's", async () => {
    const folder = join(stateDir, 'recordings');
    const a = await recordIn(folder, 'rm -rf /srv/payroll\r\n');
    const b = await recordIn(folder, 'ls\r\n');
    copyFileSync(join(folder, `${b}.cast`), join(folder, `${a}.cast`));
    copyFileSync(join(folder, `${b}.cast.sig.json`), join(folder, `${a}.cast.sig.json`));
    const { out, exitCode } = await run(['verify', a, '--state-dir', stateDir]);
    assert.equal(out, `FAILED: ${a}.cast: recording_mismatch (sealed for ${b})`);
    assert.equal(exitCode, 4);
  });

  void it('fails a recording that differs from the checksum stored at its end', async () => {
    const id = await recordIn(join(stateDir, 'recordings'));
    const stored = 'e'.repeat(64);
    await endedSession(id, stored);
    const { out, exitCode } = await run(['verify', id, '--state-dir', stateDir, '--json']);
    const result = JSON.parse(out) as { ok: boolean; reason?: string; detail?: string };
    assert.deepEqual([result.ok, result.reason], [false, 'stored_checksum_mismatch']);
    assert.match(result.detail ?? '', new RegExp(`stored at the session's end as ${stored}$`));
    assert.equal(exitCode, 4);
  });

  void it('names every folder it looked in when no process wrote it', async () => {
    const missing = newRecordingId();
    await assert.rejects(
      run(['verify', missing, '--state-dir', stateDir]),
      (error: unknown) =>
        error instanceof CliError &&
        error.message.includes(missing) &&
        error.message.includes(join(stateDir, 'workers', '2', 'recordings')),
    );
  });
});
