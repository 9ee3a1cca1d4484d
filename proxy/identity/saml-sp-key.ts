/**
 * jitgate's SAML signing key: it signs AuthnRequests, and its certificate is in the SP metadata
 * so IdPs can check them. Made once and kept in the store's settings, so every replica signs
 * with the same key and a restart does not make IdP admins upload a new certificate.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { SettingRepository } from '../store/types.js';
import { selfSignedCertificate } from './self-signed-cert.js';

const SETTING = 'saml_sp_signing_v1';
const DAY = 86_400_000;
/** SAML peers pin the certificate rather than check a chain; it outlives any login. */
const VALIDITY = 10 * 365 * DAY;

export interface SamlSigningKey {
  privateKeyPem: string;
  certificatePem: string;
}

function isSigningKey(value: unknown): value is SamlSigningKey {
  const key = value as Partial<SamlSigningKey> | null;
  return typeof key?.privateKeyPem === 'string' && typeof key.certificatePem === 'string';
}

export async function loadSamlSigningKey(
  settings: SettingRepository,
  now: () => number,
): Promise<SamlSigningKey> {
  let stored = await settings.get(SETTING);
  if (stored === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const fresh: SamlSigningKey = {
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certificatePem: selfSignedCertificate(privateKey, publicKey, {
        commonName: 'jitgate SAML service provider',
        notBefore: new Date(now() - DAY),
        notAfter: new Date(now() + VALIDITY),
      }),
    };
    // Two replicas starting at once: the first key written wins, both use it.
    stored = await settings.putIfAbsent(SETTING, JSON.stringify(fresh));
  }
  const key: unknown = JSON.parse(stored);
  if (!isSigningKey(key)) throw new Error(`the stored ${SETTING} setting is damaged`);
  // Fails loudly at startup, not at the first login, if the stored key does not parse.
  createPublicKey(createPrivateKey(key.privateKeyPem));
  return key;
}
