/**
 * Reading an `authorized_keys` file as sshd does (sshd(8) AUTHORIZED_KEYS FILE FORMAT), far
 * enough to say which keys it admits: optional options (quoted strings may hold spaces), the key
 * type, the base64 key, a comment. The file is the host's, so hostile: a line that is not a key
 * is reported as unreadable (it may still admit), never echoed back.
 */
import { createHash } from 'node:crypto';

export interface AuthorizedKey {
  line: number;
  /** null: not readable as a key. */
  type: string | null;
  fingerprint: string | null;
  comment: string;
  certAuthority: boolean;
}

const KEY_TYPE =
  /^(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** At most this many entries are read from one file. */
export const MAX_KEYS_PER_FILE = 1000;

/** OpenSSH's fingerprint of a key blob: SHA256:<base64 without padding>. */
export function fingerprintOf(base64Blob: string): string {
  const digest = createHash('sha256').update(Buffer.from(base64Blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Comments become printable ASCII, bounded: they go into a report people read. */
const cleanComment = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);

/** Splits off the options field: up to the first space outside double quotes. */
export function splitOptions(text: string): [string, string] {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if ((c === ' ' || c === '\t') && !quoted) return [text.slice(0, i), text.slice(i).trim()];
  }
  return [text, ''];
}

function readKey(text: string): Omit<AuthorizedKey, 'line'> | undefined {
  const [type, blob, ...comment] = text.split(/\s+/);
  if (!type || !KEY_TYPE.test(type) || !blob || !BASE64.test(blob)) return undefined;
  return {
    type,
    fingerprint: fingerprintOf(blob),
    comment: cleanComment(comment.join(' ')),
    certAuthority: false,
  };
}

function hasOption(options: string, name: string): boolean {
  return options
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .some((option) => option.trim().toLowerCase() === name);
}

export function parseAuthorizedKeys(text: string): AuthorizedKey[] {
  const keys: AuthorizedKey[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && keys.length < MAX_KEYS_PER_FILE; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const plain = readKey(line);
    if (plain) {
      keys.push({ line: i + 1, ...plain });
      continue;
    }
    const [options, rest] = splitOptions(line);
    const withOptions = readKey(rest);
    if (withOptions)
      keys.push({
        line: i + 1,
        ...withOptions,
        certAuthority: hasOption(options, 'cert-authority'),
      });
    else
      keys.push({ line: i + 1, type: null, fingerprint: null, comment: '', certAuthority: false });
  }
  return keys;
}
