// `jitgate ssh-cert` for automation against the demo's real sshd (which trusts jitgate's CA):
// a machine with a grant on prod-shell writes a key and a certificate; the OpenSSH client logs
// in with them while the grant lives, and sshd itself refuses them once the grant has ended.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startMachineDemo, type MachineDemo } from '../../support/machine-demo.js';

const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));

let m: MachineDemo;
let dir: string;
before(async () => {
  m = await startMachineDemo();
  dir = mkdtempSync(join(tmpdir(), 'jitgate-sshcert-'));
});
after(async () => {
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

function ssh(key: string, cert: string, account: string, port: number, hostKey: string) {
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey}\n`);
  const args = [
    ...['-F', '/dev/null', '-i', key, '-o', `CertificateFile=${cert}`, '-o', 'IdentitiesOnly=yes'],
    ...['-o', 'IdentityAgent=none', '-o', `UserKnownHostsFile=${knownHosts}`],
    ...['-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10'],
    ...['-p', String(port), '-l', account, '127.0.0.1', 'echo jitgate-ok'],
  ];
  return new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

void describe('jitgate ssh-cert', () => {
  void it('writes a key and certificate that sshd accepts until the grant ends', async () => {
    const target = m.demo.sshTarget;
    assert.ok(target, 'the demo runs its sshd (openssh-server must be installed)');
    // The machine's first call makes it known to jitgate by name, for the admin grant below.
    assert.equal((await cli(['grants'])).code, 0);
    const grant = await m.demo.jitgate.grants.grant({
      user: 'ci-runner',
      resource: 'prod-shell',
      durationMs: 6_000,
      actor: 'test',
    });
    const out = join(dir, 'keys');
    const run = await cli(['ssh-cert', 'prod-shell', '--login', 'deploy', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    const [key = '', cert = ''] = run.stdout.trim().split('\n');
    assert.equal(statSync(key).mode & 0o777, 0o600, 'the private key is private');
    const accepted = await ssh(key, cert, target.account, target.port, target.hostKey);
    assert.equal(accepted.code, 0);
    assert.equal(accepted.stdout.trim(), 'jitgate-ok');

    await new Promise((resolve) => setTimeout(resolve, grant.endsAt - Date.now() + 1500));
    const refused = await ssh(key, cert, target.account, target.port, target.hostKey);
    assert.equal(refused.code, 255, 'sshd refuses the certificate after the grant ended');
    assert.match(target.log(), /expired|not yet valid|Certificate invalid/i);
  });
});
