/**
 * A real OpenSSH sshd for tests (the demo's target, proxy/demo/ssh-target.ts), and the OpenSSH
 * client run non-interactively (BatchMode) with a given key and certificate, so a test sees sshd
 * itself accept or refuse the certificate.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { openSshPrivateKey } from '../../proxy/terminal/ssh-keys.js';
import { startSshTarget, type SshTarget } from '../../proxy/demo/ssh-target.js';

export { startSshTarget, type SshTarget };

export interface SshRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ssh … account@target command` with exactly this key and certificate. */
export function sshWith(
  target: SshTarget,
  account: string,
  key: KeyObject,
  certificateLine: string,
  command: string,
): Promise<SshRun> {
  const dir = mkdtempSync(join(tmpdir(), 'jitgate-ssh-test-'));
  writeFileSync(join(dir, 'id'), openSshPrivateKey(key), { mode: 0o600 });
  writeFileSync(join(dir, 'id-cert.pub'), certificateLine + '\n');
  writeFileSync(join(dir, 'known_hosts'), `[${target.host}]:${target.port} ${target.hostKey}\n`);
  const args = [
    '-F',
    '/dev/null',
    '-i',
    join(dir, 'id'),
    '-o',
    `CertificateFile=${join(dir, 'id-cert.pub')}`,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-p',
    String(target.port),
    '-l',
    account,
    target.host,
    command,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}
