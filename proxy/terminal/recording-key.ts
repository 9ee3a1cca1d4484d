/**
 * The ed25519 key that seals recordings, kept in the store's settings like jitgate's other keys.
 * The proxy creates it on first start; offline tools (`jitgate recordings verify`) only read it.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import type { SettingRepository } from '../store/types.js';

const SETTING = 'recording_signing_key_v1';

export async function recordingSigningKey(settings: SettingRepository): Promise<KeyObject> {
  let pem = await settings.get(SETTING);
  if (!pem) {
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = await settings.putIfAbsent(
      SETTING,
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
  }
  return createPrivateKey(pem);
}

/** The public half, for verification; undefined when the proxy never sealed a recording. */
export async function recordingVerifyKey(
  settings: SettingRepository,
): Promise<KeyObject | undefined> {
  const pem = await settings.get(SETTING);
  return pem ? createPublicKey(createPrivateKey(pem)) : undefined;
}
