/**
 * One-time recovery codes: ten per person, shown once at enrollment, stored only as keyed hashes
 * (HMAC with a subkey of the MFA key, bound to the person), so neither a copy of the database nor
 * another person's code opens anything. Crockford's alphabet: no I, L, O or U to misread.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { MfaRepository } from './factor-record.js';
import { deriveKey } from './secret-box.js';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** 10 characters of 5 bits: 50 bits, far beyond what the lockout lets anyone guess. */
const LENGTH = 10;

/** "abcde-12345" as shown; what people type is normalized before hashing. */
function newCode(): string {
  const bytes = randomBytes(LENGTH);
  const chars = [...bytes].map((byte) => ALPHABET[byte & 31] ?? '0').join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Lowercase, no separators, and the letters Crockford reads as digits; undefined if no code. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const code = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

export class RecoveryCodes {
  private readonly key: Buffer;

  constructor(master: Uint8Array) {
    this.key = deriveKey(master, 'recovery codes v1');
  }

  /** A fresh set: the codes to show once, and the hashes to store. */
  generate(userId: string): { codes: string[]; hashes: string[] } {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
    const hashes = codes.map((code) => this.hash(userId, normalizeRecoveryCode(code) ?? code));
    return { codes, hashes };
  }

  /**
   * Gives `userId` a fresh set when they hold no unused code (their first factor, or after the
   * last one was removed); returns the codes to show once, or null when they already have some.
   */
  async issueIfNone(
    store: Pick<MfaRepository, 'unusedRecoveryCodes' | 'replaceRecoveryCodes'>,
    userId: string,
  ): Promise<string[] | null> {
    if ((await store.unusedRecoveryCodes(userId)) > 0) return null;
    const fresh = this.generate(userId);
    await store.replaceRecoveryCodes(userId, fresh.hashes);
    return fresh.codes;
  }

  /** The stored form of a normalized code of `userId`. */
  hash(userId: string, normalized: string): string {
    return createHmac('sha256', this.key).update(`${userId}\0${normalized}`).digest('hex');
  }
}
