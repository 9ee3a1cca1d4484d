// A reader that stops early (`jitgate recordings list | head -1`) is not a failure: the CLI stops
// quietly, exit 0, like other Unix tools, instead of printing an EPIPE stack trace. The CLI's
// stdout here is a pipe whose only reader has already gone, so its first write meets EPIPE every
// time (no race with a `head` that may or may not have exited yet).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import { sqlitePathOf } from '../../../proxy/store/sqlite-path.js';
import type { TerminalSessionRecord } from '../../../proxy/terminal/session-record.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-pipe-'));

const session = (n: number): TerminalSessionRecord => ({
  id: `ts_pipe${n}`,
  userId: 'demo:alice',
  resourceId: 'prod-shell',
  login: 'deploy',
  grantId: `grt_pipe${n}`,
  via: 'web',
  startedAt: 1_700_000_000_000 + n,
  endedAt: null,
  endReason: null,
  state: 'live',
  recordingState: 'recording',
  recording: `ts_pipe${n}.cast`,
  checksum: null,
  bytes: null,
  instance: null,
});

before(async () => {
  const store = openSqliteStore(sqlitePathOf({ driver: 'sqlite' }, dir));
  for (let n = 0; n < 3; n++) await store.terminalSessions.insert(session(n));
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with stdout on a FIFO whose reader is closed before the CLI starts. */
function intoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const script = 'f=$1; shift; mkfifo "$f"; exec 3<>"$f" 4>"$f" 3<&-; exec "$@" >&4 4>&-';
  const fifo = join(dir, `out-${args[0] ?? ''}`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      ['-c', script, 'bash', fifo, process.execPath, 'bin/jitgate.mjs', ...args],
      { env: { ...process.env, JITGATE_FROM_SOURCE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

void describe('stdout closed by its reader', () => {
  void it('recordings list stops quietly, exit 0', async () => {
    const { code, stderr } = await intoClosedPipe(['recordings', 'list', '--state-dir', dir]);
    assert.doesNotMatch(stderr, /EPIPE|Error|at /);
    assert.equal(code, 0, stderr);
  });

  void it('so does any other command that prints (help)', async () => {
    const { code, stderr } = await intoClosedPipe(['help']);
    assert.doesNotMatch(stderr, /EPIPE|Error|at /);
    assert.equal(code, 0, stderr);
  });
});
