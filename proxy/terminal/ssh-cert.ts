/**
 * OpenSSH user certificates (PROTOCOL.certkeys), signed by an ed25519 CA with node:crypto. Any
 * user key type works: the certificate carries the key's own fields, which are its public blob
 * without the leading type string. Exported for every minting path (web terminal, CLI, machines).
 */
import { createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { ed25519Blob, fingerprint, parsePublicKeyLine, publicKeyLine } from './ssh-keys.js';
import { SshReader, SshWriter, stringList } from './ssh-wire.js';

const USER_CERT = 1;

export interface UserCertificateRequest {
  /** The user's public key: a node:crypto ed25519 key, or an OpenSSH public key line. */
  publicKey: KeyObject | string;
  principals: readonly string[];
  /** Shown in sshd's logs: who and under what, e.g. "alice@example.com/grant_…". */
  keyId: string;
  /** Epoch ms; sshd compares in whole seconds. */
  validAfter: number;
  validBefore: number;
  /** Flag extensions; default permit-pty only (no forwarding, no agent, no X11, no rc). */
  extensions?: readonly string[];
  /**
   * Critical options sshd must understand and enforce, e.g. `source-address` (a comma list of
   * CIDRs the certificate may log in from) or `force-command`. Default: none.
   */
  criticalOptions?: Readonly<Record<string, string>>;
  serial?: bigint;
}

export interface UserCertificate {
  /** The certificate as an OpenSSH line, for a `-cert.pub` file. */
  line: string;
  serial: bigint;
  keyId: string;
  principals: readonly string[];
  validAfter: number;
  validBefore: number;
  /** Fingerprint of the certified key and of the CA, for audit records. */
  keyFingerprint: string;
  caFingerprint: string;
}

function userKey(publicKey: KeyObject | string): { type: string; blob: Buffer } {
  if (typeof publicKey !== 'string') return { type: 'ssh-ed25519', blob: ed25519Blob(publicKey) };
  const { type, blob } = parsePublicKeyLine(publicKey);
  return { type, blob };
}

const seconds = (ms: number) => BigInt(Math.max(0, Math.floor(ms / 1000)));

export function mintUserCertificate(
  ca: KeyObject,
  request: UserCertificateRequest,
): UserCertificate {
  if (request.principals.length === 0) throw new Error('a certificate needs a principal');
  if (request.validBefore <= request.validAfter)
    throw new Error('the certificate would never be valid');
  const { type, blob } = userKey(request.publicKey);
  const keyFields = new SshReader(blob);
  keyFields.string(); // the type; the certificate names its own
  // Never 0: a revocation list cannot name serial 0 (ssh-keygen and sshd refuse it).
  const serial = request.serial ?? (randomBytes(8).readBigUInt64BE() || 1n);
  const extensions = new SshWriter();
  // Names in lexical order, each with empty data: PROTOCOL.certkeys asks for both.
  for (const name of [...(request.extensions ?? ['permit-pty'])].sort())
    extensions.string(name).string('');
  const critical = new SshWriter();
  // Each value is itself a string inside the option's data (PROTOCOL.certkeys), in name order.
  for (const [name, value] of Object.entries(request.criticalOptions ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  ))
    critical.string(name).string(new SshWriter().string(value).toBuffer());
  const caPublic = createPublicKey(ca);
  const caBlob = ed25519Blob(caPublic);
  const signed = new SshWriter()
    .string(`${type}-cert-v01@openssh.com`)
    .string(randomBytes(32))
    .raw(keyFields.rest())
    .uint64(serial)
    .uint32(USER_CERT)
    .string(request.keyId)
    .string(stringList(request.principals))
    .uint64(seconds(request.validAfter))
    .uint64(seconds(request.validBefore))
    .string(critical.toBuffer())
    .string(extensions.toBuffer())
    .string('') // reserved
    .string(caBlob)
    .toBuffer();
  const signature = new SshWriter()
    .string('ssh-ed25519')
    .string(sign(null, signed, ca))
    .toBuffer();
  const certificate = Buffer.concat([signed, new SshWriter().string(signature).toBuffer()]);
  return {
    line: `${type}-cert-v01@openssh.com ${certificate.toString('base64')} ${request.keyId}`,
    serial,
    keyId: request.keyId,
    principals: [...request.principals],
    validAfter: request.validAfter,
    validBefore: request.validBefore,
    keyFingerprint: fingerprint(blob),
    caFingerprint: fingerprint(caBlob),
  };
}

/** The CA's public key line (what targets put in TrustedUserCAKeys). */
export const caPublicKeyLine = (ca: KeyObject, comment: string) =>
  publicKeyLine(createPublicKey(ca), comment);
