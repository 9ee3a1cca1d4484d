/**
 * Runs the OpenSSH client for one session: a private folder (0700) with only the pinned host key
 * and the socket of the session's own agent (key-agent.ts), which holds the fresh key in
 * jitgate's memory and signs the login once — no key or certificate is ever written to a disk —
 * and an ssh command line that uses nothing else: no user or system config, no other agent or
 * identities, no forwarding, no escape character, strict host key checking. The folder is
 * removed when the session ends, and every leftover of a crash at the next start.
 */
import type { KeyObject } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshResourceConfig } from '../config/schema.js';
import { startKeyAgent, type KeyAgent } from './key-agent.js';
import { spawnPty, type Pty } from './pty.js';

export interface SshLaunchInput {
  resource: SshResourceConfig;
  /** The account on the target (the login, or what `accounts` maps it to). */
  account: string;
  /** The session's key: it stays in this process, served by the session's agent. */
  privateKey: KeyObject;
  certificateLine: string;
  /** Where session folders go (runFolder()). */
  runDir: string;
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
    // The only identity is the certificate the session's agent offers (HOME holds no keys).
    ...option(`IdentityAgent=${join(dir, 'agent')}`),
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

/**
 * The folder session folders go in: `<state>/ssh-run`, emptied now (a crash's leftovers: at most
 * a dead socket and a known_hosts file, never a key). Unix socket paths are short (108 bytes):
 * under a deep state folder, a private folder in the system's temporary folder instead.
 */
export function runFolder(stateDir: string): string {
  let dir = join(stateDir, 'ssh-run');
  if (join(dir, 's-XXXXXX', 'agent').length > 100)
    dir = join(tmpdir(), `jitgate-ssh-run-${process.getuid?.() ?? 'user'}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export async function launchSsh(input: SshLaunchInput): Promise<SshProcess> {
  const dir = await mkdtemp(join(input.runDir, 's-'));
  let agent: KeyAgent | undefined;
  const cleanup = async () => {
    await agent?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(join(dir, 'known_hosts'), knownHosts(input.resource), { mode: 0o600 });
    agent = await startKeyAgent(join(dir, 'agent'), input.privateKey, input.certificateLine);
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
