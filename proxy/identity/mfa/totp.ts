/**
 * TOTP (RFC 6238) over HOTP (RFC 4226), as every authenticator app computes it: HMAC-SHA-1,
 * 6 digits, 30-second steps. Pure: the caller passes the time and the last step it accepted, and
 * gets back the step a code matched so it can refuse that step (and any earlier) next time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { base32Decode, base32Encode } from './base32.js';

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
/** 160 bits: the HMAC-SHA-1 block-friendly size RFC 4226 recommends. */
const SECRET_BYTES = 20;
/** Steps accepted on either side of now: clocks drift and people type slowly. */
export const TOTP_WINDOW = 1;

export const generateTotpSecret = (): string => base32Encode(randomBytes(SECRET_BYTES));

/** RFC 4226 HOTP: the dynamically truncated HMAC of the 8-byte counter. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const timeStep = (nowMs: number, periodS = TOTP_PERIOD_S): number =>
  Math.floor(nowMs / 1000 / periodS);

/** The code for one step of a base32 secret (tests and the demo compute codes with this). */
export function totpCode(secret: string, step: number, digits = TOTP_DIGITS): string {
  const key = base32Decode(secret);
  if (!key || key.length === 0) throw new TypeError('not a base32 TOTP secret');
  return hotp(key, step, digits);
}

export type TotpCheck =
  { ok: true; step: number } | { ok: false; reason: 'malformed' | 'mismatch' | 'replayed' };

/** Digits only; spaces people type between groups ("123 456") are ignored. */
export const normalizeTotpCode = (input: string): string => input.replace(/\s/g, '');

/**
 * Checks `input` against the steps now−window … now+window. A code that matches only steps at
 * or before `lastUsedStep` is a replay. Every candidate is compared, in constant time, so timing
 * does not tell which step matched.
 */
export function verifyTotp(
  secret: string,
  input: string,
  nowMs: number,
  lastUsedStep: number | null,
  window = TOTP_WINDOW,
): TotpCheck {
  const code = normalizeTotpCode(input);
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(code);
  const now = timeStep(nowMs);
  let fresh: number | undefined;
  let replayed = false;
  for (let step = now - window; step <= now + window; step++) {
    if (step < 0) continue;
    const match = timingSafeEqual(Buffer.from(totpCode(secret, step)), given);
    if (!match) continue;
    if (lastUsedStep !== null && step <= lastUsedStep) replayed = true;
    else fresh ??= step;
  }
  if (fresh !== undefined) return { ok: true, step: fresh };
  return { ok: false, reason: replayed ? 'replayed' : 'mismatch' };
}

/** The otpauth:// URI authenticator apps read from the QR code (Key Uri Format). */
export function otpauthUri(options: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(options.issuer)}:${encodeURIComponent(options.account)}`;
  const query = new URLSearchParams({
    secret: options.secret,
    issuer: options.issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_S),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
