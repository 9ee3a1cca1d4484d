/**
 * Runs the OpenSSH client for one session: a private temporary folder (0700) with the session's
 * fresh key (0600), its certificate and the pinned host key, and an ssh command line that uses
 * nothing else: no user or system config, no agent, no other identities, no forwarding, no escape
 * character, strict host key checking. The folder is removed when the session ends.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshResourceConfig } from '../config/schema.js';
import { spawnPty, type Pty } from './pty.js';

export interface SshLaunchInput {
  resource: SshResourceConfig;
  /** The account on the target (the login, or what `accounts` maps it to). */
  account: string;
  privateKeyFile: string;
  certificateLine: string;
  cols: number;
  rows: number;
  sshCommand: string;
}

export interface SshProcess {
  pty: Pty;
  /** Removes the key folder; safe to call more than once. */
  cleanup(): Promise<void>;
}

/** known_hosts for the target: its pinned key, or its host CA for certificates. */
export function knownHosts(resource: SshResourceConfig): string {
  const names = resource.port === 22 ? resource.host : `[${resource.host}]:${resource.port}`;
  if (resource.hostKey) return `${names} ${resource.hostKey}\n`;
  return `@cert-authority ${names} ${resource.hostCA ?? ''}\n`;
}

export function sshArguments(dir: string, input: SshLaunchInput): string[] {
  const option = (setting: string) => ['-o', setting];
  return [
    '-F',
    '/dev/null',
    '-tt',
    '-e',
    'none',
    '-i',
    join(dir, 'id_ed25519'),
    ...option(`CertificateFile=${join(dir, 'id_ed25519-cert.pub')}`),
    ...option('IdentitiesOnly=yes'),
    ...option('IdentityAgent=none'),
    ...option(`UserKnownHostsFile=${join(dir, 'known_hosts')}`),
    ...option('GlobalKnownHostsFile=/dev/null'),
    ...option('StrictHostKeyChecking=yes'),
    ...option('CheckHostIP=no'),
    ...option('UpdateHostKeys=no'),
    ...option('BatchMode=yes'),
    ...option('PreferredAuthentications=publickey'),
    ...option('ForwardAgent=no'),
    ...option('ForwardX11=no'),
    ...option('ClearAllForwardings=yes'),
    ...option('PermitLocalCommand=no'),
    ...option('ControlMaster=no'),
    ...option('ControlPath=none'),
    ...option('ConnectTimeout=10'),
    ...option('ServerAliveInterval=30'),
    ...option('LogLevel=ERROR'),
    '-p',
    String(input.resource.port),
    '-l',
    input.account,
    '--',
    input.resource.host,
  ];
}

export async function launchSsh(input: SshLaunchInput): Promise<SshProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'jitgate-ssh-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(join(dir, 'id_ed25519'), input.privateKeyFile, { mode: 0o600 });
    await writeFile(join(dir, 'id_ed25519-cert.pub'), input.certificateLine + '\n', {
      mode: 0o600,
    });
    await writeFile(join(dir, 'known_hosts'), knownHosts(input.resource), { mode: 0o600 });
    const pty = spawnPty(input.sshCommand, sshArguments(dir, input), {
      cols: input.cols,
      rows: input.rows,
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TERM: 'xterm-256color',
        LANG: 'C.UTF-8',
        HOME: dir,
      },
    });
    return { pty, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
