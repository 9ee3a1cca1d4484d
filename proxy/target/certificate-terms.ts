/**
 * What the target agent reads from a certificate the sshd hook recorded: when it stops being
 * valid, and whether it is a relay certificate (proxy/terminal/cert-purpose.ts), whose connection
 * is jitgate's own and is left to jitgate. sshd has checked the certificate's CA before it runs
 * the hook, so what the certificate says is what jitgate signed.
 */
import { RELAY_EXTENSION } from '../terminal/cert-purpose.js';
import { SshReader } from '../terminal/ssh-wire.js';

export interface CertificateTerms {
  /** Its valid-before (epoch ms); undefined for "forever" or a certificate jitgate cannot read. */
  validBefore: number | undefined;
  /** It carries the relay's mark. */
  relay: boolean;
}

/**
 * How many public key fields each certificate type carries before its serial (PROTOCOL.certkeys):
 * every user key type jitgate certifies (ssh-keys.ts), so a direct certificate for an RSA or
 * ECDSA key ends at its valid-before like an ed25519 one.
 */
const KEY_FIELDS: ReadonlyMap<string, number> = new Map([
  ['ssh-ed25519-cert-v01@openssh.com', 1], // pk
  ['ssh-rsa-cert-v01@openssh.com', 2], // e, n
  ['ecdsa-sha2-nistp256-cert-v01@openssh.com', 2], // curve, public key
  ['ecdsa-sha2-nistp384-cert-v01@openssh.com', 2],
  ['ecdsa-sha2-nistp521-cert-v01@openssh.com', 2],
]);

/** valid-before "forever" in a certificate. */
const FOREVER = 0xffffffffffffffffn;

/** What an unreadable certificate counts as: no end the agent knows of, and not the relay's. */
const UNREADABLE: CertificateTerms = { validBefore: undefined, relay: false };

/** The names in a certificate's extensions field (each a name and its data). */
function extensionNames(field: Buffer): string[] {
  const reader = new SshReader(field);
  const names: string[] = [];
  while (!reader.done) {
    names.push(reader.string().toString());
    reader.string(); // its data
  }
  return names;
}

/** The terms of a user certificate blob (PROTOCOL.certkeys). */
export function certificateTerms(certificate: Buffer): CertificateTerms {
  try {
    const reader = new SshReader(certificate);
    const keyFields = KEY_FIELDS.get(reader.string().toString());
    if (keyFields === undefined) return UNREADABLE;
    reader.string(); // nonce
    for (let field = 0; field < keyFields; field++) reader.string(); // the public key
    reader.uint64(); // serial
    reader.uint32(); // type
    reader.string(); // key id
    reader.string(); // principals
    reader.uint64(); // valid after
    const before = reader.uint64();
    reader.string(); // critical options
    const relay = extensionNames(reader.string()).includes(RELAY_EXTENSION);
    return { validBefore: before === FOREVER ? undefined : Number(before) * 1000, relay };
  } catch {
    return UNREADABLE;
  }
}
