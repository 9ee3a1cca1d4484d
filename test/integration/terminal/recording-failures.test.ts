// Recording is fail-closed for `recording: required` (prod-shell): a recording that cannot start
// refuses the session; one that fails mid-session ends it; a crash of the proxy mid-session
// leaves a recording that the next start closes, seals and marks recovered, and no key or
// certificate of the session on any disk (the relay's key lives only in jitgate's memory).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { diskFiles, type CastFiles } from '../../../recorder/asciicast/index.js';
import { readAdminToken } from '../../../proxy/api/admin-token.js';
import { startDemo } from '../../../proxy/demo/start-demo.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { asciinemaCat } from '../../support/asciinema.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { formAction, TestBrowser } from '../../support/http-client.js';
import { authenticatorOf, completeMfa } from '../../support/mfa.js';
import {
  aliceOnProdShell,
  endedRow,
  Refused,
  TerminalClient,
  terminalUrl,
} from '../../support/terminal.js';
import { waitFor } from '../../support/wire.js';
import { call } from '../access/api-client.js';

/** Disk files that fail on cue: at creation, or at the next write. */
let failure: 'none' | 'create' | 'write' = 'none';
const flakyFiles: CastFiles = {
  async create(path) {
    if (failure === 'create')
      throw Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
    const file = await diskFiles.create(path);
    return {
      ...file,
      write: (data) =>
        failure === 'write' ? Promise.reject(new Error('EIO: i/o error')) : file.write(data),
    };
  },
};

let demo: TestDemo;
let token = '';

before(async () => {
  demo = await startTestDemo({ recordingFiles: flakyFiles });
  ({ token } = await aliceOnProdShell(demo));
});
after(() => demo.stop());

const connect = (url: string, bearer: string) =>
  TerminalClient.connect(terminalUrl(url, 'prod-shell'), { authorization: `Bearer ${bearer}` });

void describe('recording failures', () => {
  it('refuses a required session whose recording cannot start', async () => {
    failure = 'create';
    try {
      await connect(demo.url, token);
      assert.fail('the session started unrecorded');
    } catch (error) {
      assert.ok(error instanceof Refused, String(error));
      assert.deepEqual([error.status, error.code], [503, 'recording_unavailable']);
    } finally {
      failure = 'none';
    }
  });

  it('ends a required session when its recording fails', async () => {
    const client = await connect(demo.url, token);
    client.send('echo before-failure\r');
    await client.waitFor('before-failure');
    failure = 'write';
    client.send('echo after-failure\r');
    const ended = await client.ended(3_000);
    failure = 'none';
    assert.equal(ended.reason, 'recording_failed');
    const id = String(client.messages.find((m) => m.type === 'ready')?.session);
    const row = await endedRow(() => demo.jitgate.store.terminalSessions.get(id));
    assert.equal(row.recordingState, 'failed');
  });
});

/** Every file under `dir` that holds a private key (PEM/OpenSSH) or an SSH certificate line. */
function keyFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path).toString('latin1');
    if (
      /-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[A-Za-z0-9+/]|-cert-v01@openssh\.com AAAA/.test(text)
    )
      found.push(path);
  }
  return found;
}

void describe('a crash mid-session', () => {
  it('leaves a recording that the next start recovers, seals and verifies', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-crash-'));
    // The proxy's own temporary folder, so what it leaves there is seen (and nobody else's is).
    const childTmp = join(stateDir, 'tmp');
    mkdirSync(childTmp);
    // Its own process group, so kill -9 takes the proxy, its sshd and ssh clients at once.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/demo-child.ts'], {
      env: { ...process.env, JITGATE_STATE_DIR: stateDir, TMPDIR: childTmp },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const alice = new TestBrowser();
      const form = await alice.navigate(`${url}/auth/login?idp=demo`);
      const atMfa = await alice.postForm(formAction(form), { username: 'alice', password: 'demo' });
      await completeMfa(alice, atMfa, authenticatorOf(url, 'alice'));
      const bearer = String((await call(alice, url, 'POST', '/api/v1/tokens', {})).json.token);
      const admin = await fetch(`${url}/api/v1/admin/grants`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${readAdminToken(stateDir)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ user: 'alice', resource: 'prod-shell', duration: '30m' }),
      });
      assert.equal(admin.status, 201, await admin.text());
      const client = await connect(url, bearer);
      client.send('echo crash-$((40+2))\r');
      await client.waitFor('crash-42');
      const id = String(client.messages.find((m) => m.type === 'ready')?.session);
      // Killed once the writer has put the output on disk (it batches for up to a second; on a
      // busy machine its timer runs late, so this waits for the bytes rather than the time).
      const cast = join(stateDir, 'recordings', `${id}.cast`);
      await waitFor(
        () => existsSync(cast) && readFileSync(cast, 'utf8').includes('crash-42'),
        10_000,
        'the output in the recording on disk',
      );
      process.kill(-(child.pid ?? 0), 'SIGKILL');
      await once(child, 'exit');
      // The session's key and certificate died with the process.
      const leftovers = keyFilesUnder(stateDir).filter(
        // The store holds the CA's key (not a session's); a demo sshd not run as root keeps its
        // host key under the temporary folder.
        (p) => !/\.db(-wal|-shm)?$/.test(p) && !p.includes('/jitgate-sshd-'),
      );
      assert.deepEqual(leftovers, [], 'no key or certificate of the session survives a SIGKILL');

      const restarted = await startDemo({ port: 0, stateDir, log: silentLogger, postgres: false });
      try {
        const row = await restarted.jitgate.store.terminalSessions.get(id);
        assert.equal(row?.state, 'ended');
        assert.equal(row?.endReason, 'proxy_stopped');
        assert.equal(row?.recordingState, 'recovered');
        const storage = restarted.jitgate.terminals.storage;
        assert.ok(!existsSync(`${storage.pathOf(id)}.open`));
        const verified = await storage.verify(id, row?.checksum ?? null);
        assert.ok(verified.ok && verified.recovered, JSON.stringify(verified));
        const cat = await asciinemaCat(storage.pathOf(id));
        assert.equal(cat.code, 0, cat.output);
        assert.match(cat.output, /crash-42/);
      } finally {
        await restarted.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
