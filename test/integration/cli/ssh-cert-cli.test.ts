// `jitgate ssh-cert` for automation against the demo's real sshd (which trusts jitgate's CA and
// is guarded: RevokedKeys kept current by the demo's target agent, sessions recorded by the sshd
// hook): a machine with a grant on prod-shell writes a key and a certificate; the OpenSSH client
// logs in with them while the grant lives. After a revoke, sshd refuses the certificate within
// the guard's interval and the session opened with it has ended; after expiry the same.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';
import { newEd25519, openSshPrivateKey, publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';
import { startMachineDemo, type MachineDemo } from '../../support/machine-demo.js';
import { demoUserId } from '../../support/demo.js';

const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));

let m: MachineDemo;
let dir: string;
before(async () => {
  m = await startMachineDemo();
  dir = mkdtempSync(join(tmpdir(), 'jitgate-sshcert-'));
});
after(async () => {
  for (const child of opened) child.kill('SIGKILL');
  await m.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, JITGATE_FROM_SOURCE: '1', ...m.machineEnv() }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function sshArgs(key: string, cert: string, command: string) {
  const target = m.demo.sshTarget;
  assert.ok(target, 'the demo runs its sshd (openssh-server must be installed)');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${target.port} ${target.hostKey}\n`);
  return [
    ...['-F', '/dev/null', '-i', key, '-o', `CertificateFile=${cert}`, '-o', 'IdentitiesOnly=yes'],
    ...['-o', 'IdentityAgent=none', '-o', `UserKnownHostsFile=${knownHosts}`],
    ...['-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10'],
    ...['-p', String(target.port), '-l', target.account, '127.0.0.1', command],
  ];
}

function ssh(key: string, cert: string, command = 'echo jitgate-ok') {
  return new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn('ssh', sshArgs(key, cert, command), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** Sessions still open when a test fails: ended in after(), never left behind. */
const opened = new Set<ChildProcess>();

/** A session opened with the certificate that runs until something ends it. */
async function openSession(key: string, cert: string) {
  const child = spawn('ssh', sshArgs(key, cert, 'echo session-open; exec sleep 600'), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opened.add(child);
  let closed = false;
  const ended = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      opened.delete(child);
      resolve(code);
    }),
  );
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('session-open')) resolve();
    });
    child.on('error', reject);
    void ended.then((code) => reject(new Error(`ssh ended before the session opened (${code})`)));
  });
  return { ended, isClosed: () => closed };
}

/** The guard of the demo target (its agent runs in-process, as target-agent does on a host). */
function guard() {
  assert.ok(m.demo.guard, 'the demo target is guarded (the tests run as root)');
  return m.demo.guard;
}

/** Resolves when the grant has ended in jitgate (expiry), by its event rather than a clock. */
function grantEnded(grantId: string) {
  return new Promise<void>((resolve) => {
    const off = m.demo.jitgate.events.on((event) => {
      if (event.type === 'grant.ended' && event.grant.id === grantId) {
        off();
        resolve();
      }
    });
  });
}

/** A certificate for ci-runner's grant on prod-shell, written by `jitgate ssh-cert`. */
async function certificateFor(name: string) {
  const out = join(dir, name);
  const run = await cli(['ssh-cert', 'prod-shell', '--login', 'deploy', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const [key = '', cert = ''] = run.stdout.trim().split('\n');
  return { key, cert };
}

/** A key and certificate minted over the API (quicker than the CLI for a short grant). */
async function certificateOverApi(grantId: string, name: string) {
  const pair = newEd25519();
  const key = join(dir, `${name}_ed25519`);
  const cert = join(dir, `${name}_ed25519-cert.pub`);
  writeFileSync(key, openSshPrivateKey(pair.privateKey), { mode: 0o600 });
  const response = await fetch(`${m.url}/api/v1/grants/${grantId}/ssh-cert`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await m.machineToken()}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ publicKey: publicKeyLine(pair.publicKey), login: 'deploy' }),
  });
  const json = (await response.json()) as { certificate: string };
  assert.equal(response.status, 201, JSON.stringify(json));
  writeFileSync(cert, json.certificate + '\n');
  return { key, cert };
}

void describe('jitgate ssh-cert', () => {
  // The bound is the guard's interval plus one request (docs/terminals.md): the tests wait for
  // the guard's next whole pass after the change, then check sshd and the session at once.
  void it('writes a key and certificate sshd accepts; after a revoke sshd refuses it and its session ends', async () => {
    const target = m.demo.sshTarget;
    assert.ok(target, 'the demo runs its sshd (openssh-server must be installed)');
    // The machine's first call makes it known to jitgate, for the admin grant below (by user id:
    // a name finds staff only).
    assert.equal((await cli(['grants'])).code, 0);
    const grant = await m.demo.jitgate.grants.grant({
      user: demoUserId('ci-runner'),
      resource: 'prod-shell',
      durationMs: 3_600_000,
      actor: 'test',
      force: true, // no demo policy gives machines prod-shell: an admin grant outside policy
    });
    const { key, cert } = await certificateFor('keys');
    assert.equal(statSync(key).mode & 0o777, 0o600, 'the private key is private');
    // Audited like the relay's certificates: the same kind and fields, key id <user id>/<grant>.
    const minted = (await m.demo.jitgate.audit.list({ code: 'credential.minted', limit: 50 })).find(
      (event) => event.data.grant === grant.id,
    );
    assert.equal(minted?.data.kind, 'ssh-certificate');
    assert.equal(minted?.data.keyId, `${grant.userId}/${grant.id}`);
    assert.deepEqual(
      Object.keys(minted?.data ?? {}).sort(),
      [
        'kind',
        'grant',
        'login',
        'serial',
        'keyId',
        'principals',
        'validBefore',
        'key',
        'ca',
      ].sort(),
    );
    const accepted = await ssh(key, cert);
    assert.equal(accepted.code, 0);
    assert.equal(accepted.stdout.trim(), 'jitgate-ok');
    const session = await openSession(key, cert);
    await guard().nextPass();
    assert.equal(session.isClosed(), false, 'a live grant keeps its session');

    await m.demo.jitgate.grants.revoke(grant.id, 'test');
    await guard().nextPass();
    await session.ended; // the pass killed its sshd process: ssh sees the connection close
    const refused = await ssh(key, cert);
    assert.equal(refused.code, 255, 'sshd refuses the revoked certificate');
    assert.match(target.log(), /revoked by file/);
  });

  void it('at the grant’s end sshd refuses the certificate and its session ends', async () => {
    const target = m.demo.sshTarget;
    assert.ok(target);
    const grant = await m.demo.jitgate.grants.grant({
      user: demoUserId('ci-runner'),
      resource: 'prod-shell',
      durationMs: 5_000,
      actor: 'test',
      force: true, // as above: no demo policy gives machines prod-shell
    });
    const ended = grantEnded(grant.id);
    const { key, cert } = await certificateOverApi(grant.id, 'expiring');
    const session = await openSession(key, cert);
    await ended;
    await guard().nextPass();
    await session.ended;
    const refused = await ssh(key, cert);
    assert.equal(refused.code, 255, 'sshd refuses the certificate after the grant ended');
    assert.match(target.log(), /expired|not yet valid|Certificate invalid|revoked/i);
  });
});
