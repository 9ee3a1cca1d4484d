/**
 * The identity assertion: a short-lived ES256 JWT that tells an app who is calling and under
 * which grant. The signing key lives in the store (so every replica signs with it) and its public
 * half is served at /.well-known/jwks.json. Assertions are reused per person, app and grant until
 * shortly before they expire, keeping signatures off the hot path.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { SessionUser } from '../identity/session-user.js';
import type { GrantRecord, SettingRepository } from '../store/types.js';

const KEY_SETTING = 'assertion_signing_key_v1';
const MAX_TTL_MS = 5 * 60_000;
/** Re-sign when less than this is left, so an app never receives an assertion about to expire. */
const REFRESH_MARGIN_MS = 60_000;

export interface AssertionSubject {
  user: SessionUser;
  grant: GrantRecord;
  /** The app origin, e.g. "https://payroll.example.com": the `aud`. */
  audience: string;
}

interface Cached {
  token: string;
  refreshAt: number;
}

export interface AssertionSigner {
  assertionFor(subject: AssertionSubject, now: number): string | Promise<string>;
  jwks(): { keys: JWK[] };
  readonly issuer: string;
}

async function loadOrCreateKey(settings: SettingRepository): Promise<JWK> {
  const existing = await settings.get(KEY_SETTING);
  if (existing) return JSON.parse(existing) as JWK;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  return JSON.parse(await settings.putIfAbsent(KEY_SETTING, JSON.stringify(jwk))) as JWK;
}

export async function createAssertionSigner(options: {
  settings: SettingRepository;
  issuer: string;
  ttlMs: number;
  maxCached?: number;
}): Promise<AssertionSigner> {
  const privateJwk = await loadOrCreateKey(options.settings);
  const key = await importJWK(privateJwk, 'ES256');
  const { d: _d, ...publicJwk } = privateJwk;
  const ttlMs = Math.min(options.ttlMs, MAX_TTL_MS);
  const cache = new Map<string, Cached>();
  const maxCached = options.maxCached ?? 50_000;

  const sign = async (subject: AssertionSubject, now: number, cacheKey: string) => {
    const { user, grant, audience } = subject;
    const expiresAt = Math.min(now + ttlMs, grant.endsAt);
    const token = await new SignJWT({
      email: user.email ?? undefined,
      name: user.name ?? undefined,
      preferred_username: user.username,
      groups: user.groups,
      kind: user.kind,
      grant: grant.id,
      resource: grant.resourceId,
    })
      .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setAudience(audience)
      .setSubject(user.id)
      .setIssuedAt(Math.floor(now / 1000))
      .setNotBefore(Math.floor(now / 1000) - 30)
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(key);
    if (cache.size >= maxCached) cache.clear();
    cache.set(cacheKey, { token, refreshAt: expiresAt - Math.min(REFRESH_MARGIN_MS, ttlMs / 2) });
    return token;
  };

  return {
    issuer: options.issuer,
    assertionFor(subject, now) {
      const cacheKey = `${subject.user.id}\0${subject.user.loginAt}\0${subject.grant.id}\0${subject.audience}`;
      const cached = cache.get(cacheKey);
      if (cached && now < cached.refreshAt) return cached.token;
      return sign(subject, now, cacheKey);
    },
    jwks: () => ({ keys: [publicJwk] }),
  };
}
