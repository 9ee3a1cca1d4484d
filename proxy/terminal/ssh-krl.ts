/**
 * OpenSSH key revocation lists (PROTOCOL.krl), the format of sshd's `RevokedKeys` file: the one
 * place that writes and reads it. jitgate revokes certificates by serial, scoped to each of its
 * CA keys; sshd reads the file at every login and refuses a listed certificate (and refuses every
 * key when the file cannot be read). Only what jitgate writes is read back: serial lists.
 */
import { SshReader, SshWriter } from './ssh-wire.js';

/** "SSHKRL\n\0" as the uint64 it is written as. */
const KRL_MAGIC = 0x5353484b524c0a00n;
const KRL_FORMAT_VERSION = 1;
const SECTION_CERTIFICATES = 1;
const CERT_SERIAL_LIST = 0x20;

export interface RevocationListInput {
  /** Public key blobs (wire format) of the CAs whose certificates these serials are. */
  caKeys: readonly Buffer[];
  /** Serials to refuse; 0 cannot be listed (OpenSSH refuses it) and is left out. */
  serials: readonly bigint[];
  /** Grows with every new list (sshd ignores it; `ssh-keygen -Q -l` shows it). */
  version: bigint;
  /** Epoch ms. */
  generatedAt: number;
}

/** The KRL file's bytes. */
export function writeRevocationList(input: RevocationListInput): Buffer {
  const serials = [...new Set(input.serials)]
    .filter((s) => s > 0n)
    .sort((a, b) => (a < b ? -1 : 1));
  const krl = new SshWriter()
    .uint64(KRL_MAGIC)
    .uint32(KRL_FORMAT_VERSION)
    .uint64(input.version)
    .uint64(BigInt(Math.floor(input.generatedAt / 1000)))
    .uint64(0n) // flags
    .string('') // reserved
    .string('jitgate: certificates of ended grants and ended relay sessions');
  if (serials.length === 0) return krl.toBuffer();
  const list = new SshWriter();
  for (const serial of serials) list.uint64(serial);
  for (const ca of input.caKeys) {
    const section = new SshWriter()
      .string(ca)
      .string('') // reserved
      .byte(CERT_SERIAL_LIST)
      .string(list.toBuffer());
    krl.byte(SECTION_CERTIFICATES).string(section.toBuffer());
  }
  return krl.toBuffer();
}

export interface ParsedRevocationList {
  version: bigint;
  /** Every serial listed, under any CA. */
  serials: Set<bigint>;
}

/** Reads a KRL that jitgate wrote; throws on anything else (a target agent keeps its last list). */
export function readRevocationList(bytes: Buffer): ParsedRevocationList {
  const reader = new SshReader(bytes);
  if (reader.uint64() !== KRL_MAGIC) throw new Error('not an OpenSSH KRL');
  if (reader.uint32() !== KRL_FORMAT_VERSION) throw new Error('unknown KRL format version');
  const version = reader.uint64();
  reader.uint64(); // generated
  reader.uint64(); // flags
  reader.string(); // reserved
  reader.string(); // comment
  const serials = new Set<bigint>();
  while (!reader.done) {
    const type = reader.byte();
    const section = new SshReader(reader.string());
    if (type !== SECTION_CERTIFICATES) throw new Error(`unexpected KRL section ${type}`);
    section.string(); // CA key
    section.string(); // reserved
    while (!section.done) {
      const subtype = section.byte();
      const list = new SshReader(section.string());
      if (subtype !== CERT_SERIAL_LIST) throw new Error(`unexpected KRL subsection ${subtype}`);
      while (!list.done) serials.add(list.uint64());
    }
  }
  return { version, serials };
}
