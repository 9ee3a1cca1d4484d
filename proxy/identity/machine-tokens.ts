/**
 * Machine identities: a CI job or service gets an access token from its IdP with the OIDC
 * client-credentials grant and calls the API with it. This file is the one place that fetches an
 * IdP's keys (discovery → jwks_uri) and validates such a token: signature, issuer, audience,
 * expiry. The IdP is picked by the token's unverified `iss`, then everything is checked against
 * that IdP's own keys, so a forged `iss` only selects keys that will not verify it.
 */
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import type {
  IdentityProviderConfig,
  MachinesConfig,
  OidcIdentityProviderConfig,
} from '../config/schema.js';

export interface MachineIdentity {
  /** "<idp>:<client id>". */
  id: string;
  idp: string;
  clientId: string;
  groups: string[];
  /** Expiry of the presented token (epoch ms). */
  expiresAt: number;
  issuedAt: number;
  /** The token's `jti`, when it has one (audit: one login event per token). */
  tokenId: string | null;
}

export interface MachineVerifier {
  /** The machine a bearer names, or undefined when it is no valid machine token of ours. */
  verify(bearer: string): Promise<MachineIdentity | undefined>;
  /** Whether the bearer looks like a JWT at all (else it is not the verifier's to judge). */
  looksLikeJwt(bearer: string): boolean;
}

type Issuer = MachinesConfig['issuers'][number] & { settings: OidcIdentityProviderConfig };
type KeySet = ReturnType<typeof createRemoteJWKSet>;

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Clock skew allowed between the IdP and jitgate. */
const SKEW_S = 30;

async function discoverJwksUri(issuer: string): Promise<URL> {
  const base = issuer.replace(/\/+$/, '');
  const response = await fetch(`${base}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const meta = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
  if (meta.issuer !== issuer || typeof meta.jwks_uri !== 'string')
    throw new Error('discovery document does not match the issuer');
  return new URL(meta.jwks_uri);
}

export function createMachineVerifier(
  machines: MachinesConfig,
  providers: readonly IdentityProviderConfig[],
): MachineVerifier {
  const issuers = new Map<string, Issuer>();
  for (const entry of machines.issuers) {
    // The config refuses a SAML IdP here; the type check keeps the narrowing honest.
    const settings = providers.find((p) => p.id === entry.idp);
    if (settings?.type === 'oidc') issuers.set(settings.issuer, { ...entry, settings });
  }
  // Discovery is lazy and retried, like the login's: an IdP down at start-up stops nobody.
  const keySets = new Map<string, Promise<KeySet>>();
  const keysOf = (issuer: Issuer): Promise<KeySet> => {
    let keys = keySets.get(issuer.settings.issuer);
    if (!keys) {
      keys = discoverJwksUri(issuer.settings.issuer).then((uri) => createRemoteJWKSet(uri));
      keys.catch(() => keySets.delete(issuer.settings.issuer));
      keySets.set(issuer.settings.issuer, keys);
    }
    return keys;
  };

  return {
    looksLikeJwt: (bearer) => issuers.size > 0 && bearer.length < 8192 && JWT.test(bearer),
    async verify(bearer) {
      let claimed: JWTPayload;
      try {
        claimed = decodeJwt(bearer);
      } catch {
        return undefined;
      }
      const issuer = typeof claimed.iss === 'string' ? issuers.get(claimed.iss) : undefined;
      if (!issuer) return undefined;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(bearer, await keysOf(issuer), {
          issuer: issuer.settings.issuer,
          audience: issuer.audience,
          requiredClaims: ['exp'],
          clockTolerance: SKEW_S,
          algorithms: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'],
        }));
      } catch (error) {
        // A bad token is no machine; an unreachable IdP is the caller's 502, not a 401.
        if (error instanceof errors.JOSEError) return undefined;
        throw new Error(
          `identity provider "${issuer.settings.id}" (${issuer.settings.issuer}) is unreachable`,
          { cause: error },
        );
      }
      return identityOf(issuer, payload);
    },
  };
}

function identityOf(issuer: Issuer, payload: JWTPayload): MachineIdentity | undefined {
  const clientId = payload[issuer.clientIdClaim];
  if (typeof clientId !== 'string' || clientId === '' || clientId.length > 200) return undefined;
  if (issuer.clients.length > 0 && !issuer.clients.includes(clientId)) return undefined;
  const own = Object.hasOwn(issuer.clientGroups, clientId) ? issuer.clientGroups[clientId] : [];
  return {
    id: `${issuer.idp}:${clientId}`,
    idp: issuer.idp,
    clientId,
    groups: [...new Set([...issuer.groups, ...(own ?? [])])].sort(),
    expiresAt: (payload.exp ?? 0) * 1000,
    issuedAt: (payload.iat ?? Math.floor(Date.now() / 1000)) * 1000,
    tokenId: typeof payload.jti === 'string' ? payload.jti : null,
  };
}
