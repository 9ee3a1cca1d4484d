/**
 * SSH key formats from node:crypto ed25519 keys: the public key line (`ssh-ed25519 AAAA…`), the
 * unencrypted OpenSSH private key file the ssh client reads, and parsing of public key lines.
 * Private keys are only ever written to files of mode 0600 in a private folder; never logged.
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { SshReader, SshWriter } from './ssh-wire.js';

const KEY_LINE =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)) ([A-Za-z0-9+/]+={0,2})(?: (.*))?$/;

export interface PublicKeyLine {
  type: string;
  /** The key blob (wire format, starting with the type string). */
  blob: Buffer;
  comment: string;
}

const raw = (key: KeyObject, part: 'x' | 'd') => {
  const value = key.export({ format: 'jwk' })[part];
  if (typeof value !== 'string')
    throw new Error(`not an ed25519 ${part === 'd' ? 'private' : 'public'} key`);
  return Buffer.from(value, 'base64url');
};

/** The public key blob: string "ssh-ed25519", string key. */
export const ed25519Blob = (publicKey: KeyObject) =>
  new SshWriter().string('ssh-ed25519').string(raw(publicKey, 'x')).toBuffer();

export const publicKeyLine = (publicKey: KeyObject, comment = '') =>
  `ssh-ed25519 ${ed25519Blob(publicKey).toString('base64')}${comment ? ` ${comment}` : ''}`;

/** "SHA256:…" as ssh-keygen -l prints it. */
export const fingerprint = (blob: Buffer) =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/** Parses `type base64 [comment]`; the blob must name the same type as the line. */
export function parsePublicKeyLine(line: string): PublicKeyLine {
  const match = KEY_LINE.exec(line.trim());
  if (!match) throw new Error('not an SSH public key line');
  const blob = Buffer.from(match[2] ?? '', 'base64');
  const type = new SshReader(blob).string().toString();
  if (type !== match[1]) throw new Error('the key blob does not match its type');
  return { type, blob, comment: match[3] ?? '' };
}

/** The node:crypto key of an `ssh-ed25519` line (to verify what it signed). */
export function ed25519FromLine(line: string): KeyObject {
  const { type, blob } = parsePublicKeyLine(line);
  if (type !== 'ssh-ed25519') throw new Error('not an ed25519 key');
  const reader = new SshReader(blob);
  reader.string();
  const x = reader.string().toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** The `openssh-key-v1` file (unencrypted) of an ed25519 private key. */
export function openSshPrivateKey(privateKey: KeyObject, comment = ''): string {
  const publicKey = createPublicKey(privateKey);
  const pub = raw(publicKey, 'x');
  const check = randomBytes(4).readUInt32BE();
  const secret = new SshWriter()
    .uint32(check)
    .uint32(check)
    .string('ssh-ed25519')
    .string(pub)
    .string(Buffer.concat([raw(privateKey, 'd'), pub]))
    .string(comment)
    .toBuffer();
  const padding = Buffer.from(
    Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1),
  );
  const body = new SshWriter()
    .raw(Buffer.from('openssh-key-v1\0'))
    .string('none')
    .string('none')
    .string('')
    .uint32(1)
    .string(ed25519Blob(publicKey))
    .string(Buffer.concat([secret, padding]))
    .toBuffer()
    .toString('base64');
  const lines = body.match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const newEd25519 = (): KeyPair => generateKeyPairSync('ed25519');
