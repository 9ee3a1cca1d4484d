/**
 * Grant-scoped bearer tokens for Kubernetes (`jitgate kubectl-credential`): an ES256 JWT from
 * jitgate with `aud` = the resource's audience, `sub` = the user, their groups, the grant id,
 * and `exp` = the grant's end. The API server trusts it through jitgate's TokenReview webhook
 * (which also refuses it at once when the grant is revoked) or a JWT authenticator that reads
 * the keys at /api/v1/kubernetes/jwks.json.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import type { KubernetesResourceConfig } from '../config/schema.js';
import type { SessionUser } from '../identity/session-user.js';
import type { GrantRecord, SettingRepository } from '../store/types.js';

const KEY_SETTING = 'kubernetes_token_key_v1';

export interface KubeClaims {
  sub: string;
  username: string;
  groups: string[];
  grant: string;
  resource: string;
}

export interface KubeTokens {
  issue(user: SessionUser, grant: GrantRecord, resource: KubernetesResourceConfig): Promise<string>;
  /** The claims of a token of ours for `audience`, or undefined (bad signature, expired…). */
  verify(token: string, audience: string): Promise<KubeClaims | undefined>;
  jwks(): { keys: JWK[] };
}

export async function createKubeTokens(
  settings: SettingRepository,
  issuer: string,
): Promise<KubeTokens> {
  let stored = await settings.get(KEY_SETTING);
  if (!stored) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
    stored = await settings.putIfAbsent(KEY_SETTING, JSON.stringify(jwk));
  }
  const privateJwk = JSON.parse(stored) as JWK;
  const key = await importJWK(privateJwk, 'ES256');
  const { d: _d, ...publicJwk } = privateJwk;
  const publicKey = await importJWK(publicJwk, 'ES256');

  return {
    async issue(user, grant, resource) {
      return new SignJWT({
        username: user.username,
        groups: user.groups,
        grant: grant.id,
        resource: resource.id,
      })
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(resource.audience)
        .setSubject(user.id)
        .setIssuedAt()
        .setNotBefore(Math.floor(grant.startsAt / 1000) - 30)
        .setExpirationTime(Math.floor(grant.endsAt / 1000))
        .sign(key);
    },
    async verify(token, audience) {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer,
          audience,
          algorithms: ['ES256'],
        });
        const { sub, username, groups, grant, resource } = payload;
        if (typeof sub !== 'string' || typeof grant !== 'string' || typeof resource !== 'string')
          return undefined;
        return {
          sub,
          username: typeof username === 'string' ? username : sub,
          groups: Array.isArray(groups) ? groups.filter((g) => typeof g === 'string') : [],
          grant,
          resource,
        };
      } catch {
        return undefined;
      }
    },
    jwks: () => ({ keys: [publicJwk] }),
  };
}
