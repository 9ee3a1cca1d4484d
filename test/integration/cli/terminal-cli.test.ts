// The terminal from the command line: `jitgate ssh` runs the same recorded session with a bearer
// token (no tty here, so no raw mode), and `jitgate recordings list|verify|export` work offline
// on the state folder; an exported copy verifies with the exported public key until one byte
// of it changes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { runCli } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { aliceOnProdShell, endedRow } from '../../support/terminal.js';

let demo: TestDemo;
let token = '';
const out = mkdtempSync(join(tmpdir(), 'jitgate-export-'));

before(async () => {
  demo = await startTestDemo();
  ({ token } = await aliceOnProdShell(demo));
});
after(async () => {
  await demo.stop();
  rmSync(out, { recursive: true, force: true });
});

/** `jitgate ssh` with `input` typed into it, as a script would pipe it. */
function ssh(
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/jitgate.mjs', 'ssh', ...args], {
      env: { ...process.env, JITGATE_FROM_SOURCE: '1', JITGATE_TOKEN: token },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      // Type once the remote shell is there, as a person would.
      if (input && stdout.length > 0) {
        child.stdin.write(input);
        input = '';
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

void describe('jitgate ssh and jitgate recordings', () => {
  let id = '';

  it('opens a recorded session with a bearer token', async () => {
    const run = await ssh(
      ['prod-shell', '--url', demo.url, '--login', 'deploy'],
      'echo cli-$((20+22))\rexit\r',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /cli-42/);
    assert.match(run.stderr, /prod-shell as deploy, recorded/);
    const [row] = await demo.jitgate.store.terminalSessions.list({ limit: 1 });
    assert.ok(row);
    id = row.id;
    assert.equal(row.via, 'cli');
    await endedRow(() => demo.jitgate.store.terminalSessions.get(id));
  });

  it('says why when the proxy refuses', async () => {
    const run = await ssh(['prod-shell', '--url', demo.url, '--login', 'root'], '');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /login_not_allowed/);
  });

  it('lists, verifies and exports recordings offline', async () => {
    const state = ['--state-dir', demo.stateDir];
    const list = await runCli(['recordings', 'list', ...state, '--person', 'alice', '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(list.stdout.includes(id));
    const verified = await runCli(['recordings', 'verify', id, ...state]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^ok: /);
    const exported = await runCli(['recordings', 'export', id, '--out', out, ...state]);
    assert.equal(exported.code, 0, exported.stderr);
    const copy = join(out, `${id}.cast`);
    const key = join(out, 'jitgate-recordings.pub.pem');
    assert.equal((await runCli(['recordings', 'verify', copy, '--public-key', key])).code, 0);
    const bytes = readFileSync(copy);
    bytes[20] = (bytes[20] ?? 0) ^ 0x20;
    writeFileSync(copy, bytes);
    const broken = await runCli(['recordings', 'verify', copy, '--public-key', key]);
    assert.equal(broken.code, 4);
    assert.match(broken.stdout, /FAILED: .*checksum_mismatch/);
  });
});
