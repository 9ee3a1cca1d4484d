// jitgate target-agent against real processes and a stand-in jitgate serving its KRL: a live
// certificate's connection is left alone; once the serial is on the list the agent writes the
// list to the RevokedKeys file and kills the connection's process tree; a certificate past its
// valid-before ends even while jitgate cannot be reached (and the last good list stays); a record
// that names anything but an sshd process, or a pid that was reused, never gets anything killed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from '../../support/guarded-test.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { startTimeOf } from '../../../proxy/target/processes.js';
import { TargetAgent } from '../../../proxy/target/target-agent.js';
import { mintUserCertificate } from '../../../proxy/terminal/ssh-cert.js';
import { readRevocationList, writeRevocationList } from '../../../proxy/terminal/ssh-krl.js';
import { ed25519Blob } from '../../../proxy/terminal/ssh-keys.js';

const HOUR = 3_600_000;
const ca = generateKeyPairSync('ed25519');
const dir = mkdtempSync(join(tmpdir(), 'jitgate-agent-'));
const sessions = join(dir, 'sessions');
const revokedKeys = join(dir, 'revoked_keys');
/** A stand-in for an sshd connection process: `sleep` under the name sshd (its comm). */
const fakeSshd = join(dir, 'sshd');
const children = new Set<ChildProcess>();

let revoked: bigint[] = [];
let jitgateUp = true;
let server: Server;
let url: string;

before(async () => {
  mkdirSync(sessions, { mode: 0o700 });
  copyFileSync('/bin/sleep', fakeSshd);
  server = createServer((req, res) => {
    if (!jitgateUp || req.url !== '/ssh/revoked-keys') return void res.writeHead(503).end();
    const body = writeRevocationList({
      caKeys: [ed25519Blob(ca.publicKey)],
      serials: revoked,
      version: 1n,
      generatedAt: Date.now(),
    });
    res.writeHead(200, { etag: `"${revoked.join('-')}"` }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connection(program = fakeSshd) {
  const child = spawn(program, ['600'], { stdio: 'ignore' });
  children.add(child);
  const exited = once(child, 'exit').then(([, signal]) => {
    children.delete(child);
    return signal as NodeJS.Signals | null;
  });
  await once(child, 'spawn');
  const pid = child.pid as number;
  return {
    pid,
    startTime: startTimeOf(pid) as string,
    exited,
    /** Ends it with SIGTERM: it exits by that signal only if nothing killed it before. */
    async endBySigterm() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** What the sshd hook writes for a certificate login (bin/jitgate-sshd-hook). */
function record(pid: number, startTime: string, serial: bigint, validBefore: number) {
  const certificate = mintUserCertificate(ca.privateKey, {
    publicKey: generateKeyPairSync('ed25519').publicKey,
    principals: ['deploy'],
    keyId: 'ci/grt_1',
    validAfter: validBefore - 2 * HOUR,
    validBefore,
    serial,
  });
  const blob = certificate.line.split(' ')[1];
  const file = join(sessions, `${serial}-${pid}`);
  writeFileSync(file, `${pid} ${startTime} ${serial} root ${blob}\n`);
  return file;
}

const agent = (now = Date.now) =>
  new TargetAgent({
    url,
    revokedKeysFile: revokedKeys,
    sessionsDir: sessions,
    everyMs: 60_000, // passes are run by the tests
    log: silentLogger,
    now,
  });

void describe('jitgate target-agent', () => {
  test('a revoked serial goes to RevokedKeys and its connection is killed', async () => {
    const live = await connection();
    const file = record(live.pid, live.startTime, 11n, Date.now() + HOUR);
    const guard = agent();
    await guard.nextPass();
    assert.ok(existsSync(file), "a live certificate's connection is left alone");
    assert.equal(readRevocationList(readFileSync(revokedKeys)).serials.size, 0);

    revoked = [11n];
    await guard.nextPass();
    assert.equal(await live.exited, 'SIGKILL');
    assert.deepEqual([...readRevocationList(readFileSync(revokedKeys)).serials], [11n]);
    assert.equal(existsSync(file), false, 'the record is gone with the connection');
  });

  test('past its valid-before a connection ends while jitgate is unreachable', async () => {
    revoked = [11n];
    const guard = agent(() => Date.now() + 2 * HOUR);
    await guard.nextPass(); // the last good list
    jitgateUp = false;
    const late = await connection();
    record(late.pid, late.startTime, 12n, Date.now() + HOUR);
    await guard.nextPass();
    assert.equal(await late.exited, 'SIGKILL');
    assert.deepEqual([...readRevocationList(readFileSync(revokedKeys)).serials], [11n]);
    jitgateUp = true;
  });

  test('a record naming another process, or a reused pid, kills nothing', async () => {
    revoked = [13n, 14n];
    const other = await connection('/bin/sleep');
    const notSshd = record(other.pid, other.startTime, 13n, Date.now() + HOUR);
    const reused = await connection();
    const stale = record(reused.pid, '1', 14n, Date.now() + HOUR);
    await agent().nextPass();
    assert.equal(existsSync(notSshd), false, 'the record is dropped');
    assert.equal(existsSync(stale), false, 'the record is dropped');
    assert.equal(await other.endBySigterm(), 'SIGTERM', 'a process that is not sshd lives on');
    assert.equal(await reused.endBySigterm(), 'SIGTERM', 'a reused pid lives on');
  });
});
