/**
 * Factor secrets at rest: AES-256-GCM under a key derived from the MFA key. Each sealed value is
 * bound to a context (the factor id and its owner) as associated data, so a ciphertext copied to
 * another row or another person does not open: a factor of bob never becomes one of alice's.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte subkey of the MFA key for one purpose, so no key serves two algorithms. */
export function deriveKey(master: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `jitgate mfa ${purpose}`, 32));
}

export class SecretBox {
  private readonly key: Buffer;

  constructor(master: Uint8Array) {
    if (master.length !== 32) throw new TypeError('the MFA key must be 32 bytes');
    this.key = deriveKey(master, 'secret box v1');
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]);
    return `${VERSION}.${sealed.toString('base64url')}`;
  }

  /** Opens a sealed value; throws when it was altered, sealed for another context or key. */
  open(sealed: string, context: string): string {
    const [version, data, extra] = sealed.split('.');
    if (version !== VERSION || data === undefined || extra !== undefined)
      throw new Error('not a sealed MFA secret');
    const raw = Buffer.from(data, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed MFA secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const body = raw.subarray(IV_BYTES + TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}

/** The associated data of a factor's secret: which factor, whose. */
export const factorContext = (factorId: string, userId: string) => `factor\0${factorId}\0${userId}`;

/** A stored factor's secret; throws when the row was tampered with or moved to another person. */
export const openSecret = (
  box: SecretBox,
  factor: { id: string; userId: string; secretEnc: string },
) => box.open(factor.secretEnc, factorContext(factor.id, factor.userId));
