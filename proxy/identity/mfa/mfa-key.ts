/**
 * The MFA key: 32 bytes that seal factor secrets and key the recovery-code hashes. By default it
 * lives in <state>/mfa.key (mode 0600), created on first start; a configured file must exist,
 * since silently making a new key would leave every enrolled factor unreadable.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Logger } from '../../shared/logger.js';

export const MFA_KEY_FILE = 'mfa.key';

/** Raw 32 bytes, or the same as base64/base64url (43–44 characters) or hex (64). */
function parseKey(content: Buffer): Buffer | undefined {
  if (content.length === 32) return content;
  const text = content.toString('utf8').trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
    return bytes.length === 32 ? bytes : undefined;
  }
  return undefined;
}

export function loadMfaKey(path: string, options: { create: boolean; log: Logger }): Buffer {
  if (options.create) {
    try {
      // wx: of two starts racing, one writes and both then read the same key.
      writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
      options.log.info('created the MFA key', { path });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read the MFA key file ${path}`, { cause: error });
  }
  const key = parseKey(content);
  if (!key) throw new Error(`${path} holds no 32-byte MFA key (raw, base64 or hex)`);
  if ((statSync(path).mode & 0o077) !== 0)
    options.log.warn('the MFA key file is readable by others than its owner', { path });
  return key;
}
