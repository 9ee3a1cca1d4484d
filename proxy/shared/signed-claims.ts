/**
 * Small stateless credentials: `<prefix>.<payload>.<mac>`, where the payload is base64url JSON and
 * the mac an HMAC-SHA256 over prefix and payload. Each use has its own key, derived from the
 * proxy's secret with a purpose label, so a value minted for one use never verifies for another.
 * Opening checks the mac in constant time before the JSON is even parsed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A key for one purpose (e.g. "grant-credential"), derived from the proxy's secret. */
export function purposeKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`jitgate ${purpose} v1`).digest();
}

const mac = (key: Buffer, signed: string) => createHmac('sha256', key).update(signed).digest();

export function sealClaims(key: Buffer, prefix: string, claims: unknown): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signed = `${prefix}.${payload}`;
  return `${signed}.${mac(key, signed).toString('base64url')}`;
}

/** The claims inside `value`, or undefined when it is not one of ours (any doubt: undefined). */
export function openClaims(key: Buffer, prefix: string, value: unknown, maxLength = 4096): unknown {
  if (typeof value !== 'string' || value.length > maxLength) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== prefix) return undefined;
  const [, payload = '', given = ''] = parts;
  const expected = mac(key, `${prefix}.${payload}`);
  const presented = Buffer.from(given, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
