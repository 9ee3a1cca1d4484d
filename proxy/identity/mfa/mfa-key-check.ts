/**
 * Every replica must seal and open MFA factors with the same key (mfa.encryptionKeyFile): a
 * factor enrolled on one replica is unreadable on another that made its own key, and its
 * step-ups fail there. The store keeps a check value of the first key it saw (an HKDF subkey:
 * it names the key without revealing it); a replica whose key differs refuses to start, saying
 * why, instead of failing sign-ins later.
 */
import type { SettingRepository } from '../../store/types.js';
import { deriveKey } from './secret-box.js';

const SETTING = 'mfa_key_check_v1';

export const mfaKeyCheck = (master: Uint8Array): string =>
  deriveKey(master, 'key check v1').toString('base64url');

export async function assertSameMfaKey(settings: SettingRepository, check: string): Promise<void> {
  const stored = await settings.putIfAbsent(SETTING, check);
  if (stored !== check)
    throw new Error(
      'this MFA key (mfa.encryptionKeyFile) is not the one the store seals factors with: give every replica the same key file (docs/deployment.md)',
    );
}
