/**
 * The sessions jitgate's sshd hook (bin/jitgate-sshd-hook) recorded on this target: for each
 * login with a certificate, the sshd process that holds the connection (with its start time), the
 * certificate's serial, the account and the certificate itself. The hook writes one file per
 * login into a folder only it and the agent can reach; the agent reads them here.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SshReader } from '../terminal/ssh-wire.js';

export interface RegisteredSession {
  file: string;
  /** The connection's privileged sshd process (the hook's parent). */
  pid: number;
  startTime: string;
  serial: bigint;
  account: string;
  /** The certificate's valid-before (epoch ms), when it is one jitgate can read (ed25519). */
  validBefore: number | undefined;
}

const LINE = /^(\d+) (\d+) (\d+) ([^\s/]+) ([A-Za-z0-9+/=]+)$/;
/** valid-before "forever" in a certificate. */
const FOREVER = 0xffffffffffffffffn;

/** The valid-before of an ed25519 user certificate blob, in epoch ms. */
export function validBeforeOf(certificate: Buffer): number | undefined {
  try {
    const reader = new SshReader(certificate);
    if (reader.string().toString() !== 'ssh-ed25519-cert-v01@openssh.com') return undefined;
    reader.string(); // nonce
    reader.string(); // public key
    reader.uint64(); // serial
    reader.uint32(); // type
    reader.string(); // key id
    reader.string(); // principals
    reader.uint64(); // valid after
    const before = reader.uint64();
    return before === FOREVER ? undefined : Number(before) * 1000;
  } catch {
    return undefined;
  }
}

export function parseRegistryLine(file: string, line: string): RegisteredSession | undefined {
  const match = LINE.exec(line.trim());
  if (!match) return undefined;
  const [, pid = '', startTime = '', serial = '', account = '', certificate = ''] = match;
  return {
    file,
    pid: Number(pid),
    startTime,
    serial: BigInt(serial),
    account,
    validBefore: validBeforeOf(Buffer.from(certificate, 'base64')),
  };
}

/** Every well-formed record; files the hook is still writing (".…") are left alone. */
export function readRegistry(dir: string): RegisteredSession[] {
  const sessions: RegisteredSession[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const file = join(dir, name);
    try {
      const parsed = parseRegistryLine(file, readFileSync(file, 'utf8'));
      if (parsed) sessions.push(parsed);
      else rmSync(file, { force: true }); // not ours to keep: malformed
    } catch {
      // Removed meanwhile.
    }
  }
  return sessions;
}

export const forget = (session: RegisteredSession) => rmSync(session.file, { force: true });
