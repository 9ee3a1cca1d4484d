/**
 * The sessions jitgate's sshd hook (bin/jitgate-sshd-hook) recorded on this target: for each
 * login with a certificate, the sshd process that holds the connection (with its start time), the
 * certificate's serial, the account and the certificate itself. The hook writes one file per
 * login into a folder only it and the agent can reach; the agent reads them here.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { certificateTerms } from './certificate-terms.js';

export interface RegisteredSession {
  file: string;
  /** The connection's privileged sshd process (the hook's parent). */
  pid: number;
  startTime: string;
  serial: bigint;
  account: string;
  /** The certificate's valid-before (epoch ms), when it is one jitgate can read. */
  validBefore: number | undefined;
  /** A relay certificate: the connection is jitgate's own (ending-verdict.ts). */
  relay: boolean;
}

const LINE = /^(\d+) (\d+) (\d+) ([^\s/]+) ([A-Za-z0-9+/=]+)$/;
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
    ...certificateTerms(Buffer.from(certificate, 'base64')),
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
