/**
 * The sidecar that seals a closed recording: its SHA-256, its size and an ed25519 signature over
 * both and the recording id. Anyone holding the signer's public key can check a copy without an
 * account: `sha256sum` for the checksum, and the signature over `signedMessage(...)`.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { digestOf } from './digest.js';

export const SIGNATURE_FORMAT = 'jitgate-recording-signature/v1';

export interface CastSignature {
  format: typeof SIGNATURE_FORMAT;
  recording: string;
  /** The file name the checksum is for, e.g. "ts_….cast". */
  file: string;
  sha256: string;
  bytes: number;
  algorithm: 'ed25519';
  /** base64 signature over signedMessage(recording, bytes, sha256). */
  signature: string;
  /** base64url SHA-256 of the signer's public key (SPKI DER). */
  keyId: string;
  /** The signer's public key (PEM), for convenience; trust comes from elsewhere (see verify). */
  publicKey: string;
  signedAt: string;
  /** Closed after a crash by recovery, not by the session itself. */
  recovered: boolean;
}

/** What is signed: one line that binds the checksum to its recording. */
export const signedMessage = (recording: string, bytes: number, sha256: string) =>
  Buffer.from(`jitgate-recording-v1:${recording}:${bytes}:${sha256}`);

export const keyIdOf = (publicKey: KeyObject) =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');

export interface SealInput {
  recording: string;
  file: string;
  sha256: string;
  bytes: number;
  recovered: boolean;
  privateKey: KeyObject;
  now: number;
}

export function sealRecording(input: SealInput): CastSignature {
  const publicKey = createPublicKey(input.privateKey);
  const message = signedMessage(input.recording, input.bytes, input.sha256);
  return {
    format: SIGNATURE_FORMAT,
    recording: input.recording,
    file: input.file,
    sha256: input.sha256,
    bytes: input.bytes,
    algorithm: 'ed25519',
    signature: sign(null, message, input.privateKey).toString('base64'),
    keyId: keyIdOf(publicKey),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signedAt: new Date(input.now).toISOString(),
    recovered: input.recovered,
  };
}

/**
 * Why a recording does not verify, each a stable code (docs/terminals.md lists them with these
 * words; a test keeps the two alike).
 */
export const VERIFY_FAILURES = {
  malformed_signature: 'the sidecar is missing or is not a jitgate signature',
  recording_mismatch: 'the sidecar was sealed for another recording',
  size_mismatch: 'the file is not the size that was sealed',
  checksum_mismatch: 'the file is not what was sealed (its SHA-256 differs)',
  untrusted_key: 'sealed with a key this jitgate does not trust',
  bad_signature: 'the signature does not match the sealed checksum',
  stored_checksum_mismatch:
    "the file is not what jitgate stored and audited at the session's end, though its seal holds",
} as const;

export type VerifyFailure = keyof typeof VERIFY_FAILURES;

export type CastVerification =
  | { ok: true; sha256: string; bytes: number; keyId: string; recovered: boolean }
  | { ok: false; reason: VerifyFailure; detail: string };

/** Reads a sidecar's JSON; anything that is not one is reported, not thrown. */
export function parseSignature(text: string): CastSignature | undefined {
  try {
    const value = JSON.parse(text) as Partial<CastSignature>;
    const strings = [value.recording, value.sha256, value.signature, value.keyId, value.publicKey];
    if (value.format !== SIGNATURE_FORMAT || strings.some((s) => typeof s !== 'string'))
      return undefined;
    if (typeof value.bytes !== 'number') return undefined;
    return value as CastSignature;
  } catch {
    return undefined;
  }
}

/**
 * What a recording is known to be apart from its files. The sidecar and the file travel together,
 * so a pair sealed for another recording holds together perfectly: only the id asked about tells
 * it is someone else's. And whoever can make jitgate seal again (crash recovery) gets a good seal
 * on any content: only the checksum stored when the session ended tells it changed since.
 */
export interface ExpectedRecording {
  /** The id being verified. */
  recording: string;
  /** The SHA-256 stored (and audited) at the session's end; null when none was. */
  storedSha256: string | null;
}

/**
 * Checks `content` against its sidecar, trusting only `trusted` keys (the sidecar's own key is
 * not trusted: whoever could change the file could re-sign it with a key of their own).
 */
export function verifyRecording(
  content: Buffer,
  sidecar: CastSignature,
  trusted: readonly KeyObject[],
  expected: ExpectedRecording,
): CastVerification {
  return verifyDigest(digestOf(content), sidecar, trusted, expected);
}

/** What a recording's bytes come to: its SHA-256 (hex) and length, however they were read. */
export interface CastDigest {
  sha256: string;
  bytes: number;
}

/**
 * The one decision whether a recording verifies (verifyRecording and RecordingStorage.verify
 * come here), from the digest of the content (hashed as it streamed).
 */
export function verifyDigest(
  { sha256, bytes }: CastDigest,
  sidecar: CastSignature,
  trusted: readonly KeyObject[],
  expected: ExpectedRecording,
): CastVerification {
  if (sidecar.recording !== expected.recording)
    return { ok: false, reason: 'recording_mismatch', detail: `sealed for ${sidecar.recording}` };
  if (bytes !== sidecar.bytes)
    return {
      ok: false,
      reason: 'size_mismatch',
      detail: `${bytes} bytes, signed for ${sidecar.bytes}`,
    };
  if (sha256 !== sidecar.sha256)
    return { ok: false, reason: 'checksum_mismatch', detail: `sha256 ${sha256}` };
  const key = trusted.find((candidate) => keyIdOf(candidate) === sidecar.keyId);
  if (!key)
    return { ok: false, reason: 'untrusted_key', detail: `signed by unknown key ${sidecar.keyId}` };
  const message = signedMessage(sidecar.recording, sidecar.bytes, sidecar.sha256);
  let good = false;
  try {
    good = verify(null, message, key, Buffer.from(sidecar.signature, 'base64'));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: 'bad_signature', detail: 'the signature does not match' };
  // Last: the seal is genuine, so a difference here means jitgate itself sealed other content.
  if (expected.storedSha256 !== null && sha256 !== expected.storedSha256)
    return {
      ok: false,
      reason: 'stored_checksum_mismatch',
      detail: `sha256 ${sha256}, stored at the session's end as ${expected.storedSha256}`,
    };
  return {
    ok: true,
    sha256,
    bytes,
    keyId: sidecar.keyId,
    recovered: sidecar.recovered,
  };
}
