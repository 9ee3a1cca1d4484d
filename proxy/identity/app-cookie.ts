/**
 * The cookie an app host (payroll.example.com) carries instead of the portal session cookie. It
 * names the portal session and is signed for that one host, so it cannot be replayed on another
 * app or on the portal. It is stateless: ending the portal session ends it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

const mac = (secret: string, host: string, sid: string) =>
  createHmac('sha256', secret).update(`jitgate-app-cookie\0${host}\0${sid}`).digest('base64url');

export function signAppCookie(sid: string, host: string, secret: string): string {
  return `${VERSION}.${Buffer.from(sid).toString('base64url')}.${mac(secret, host, sid)}`;
}

/** Returns the portal session id named by `value` when it is signed for `host`. */
export function verifyAppCookie(
  value: string,
  host: string,
  secrets: readonly string[],
): string | undefined {
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
  const sid = Buffer.from(parts[1] ?? '', 'base64url').toString();
  if (sid.length === 0 || sid.length > 256) return undefined;
  const given = Buffer.from(parts[2] ?? '');
  for (const secret of secrets) {
    const expected = Buffer.from(mac(secret, host, sid));
    if (given.length === expected.length && timingSafeEqual(given, expected)) return sid;
  }
  return undefined;
}
