/**
 * The admin credential the local `jitgate grant` / `jitgate revoke` commands use: a random token
 * in <state>/admin-token (mode 0600), created on first start. Whoever can read the state folder
 * is an admin of this proxy, the same trust as reading its database.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function ensureAdminToken(stateDir: string): (presented: string) => boolean {
  const path = join(stateDir, ADMIN_TOKEN_FILE);
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    token = `jga_${randomBytes(32).toString('base64url')}`;
    writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
  }
  if (token.length < 32) throw new Error(`${path} holds no usable admin token`);
  const expected = digest(token);
  return (presented) => timingSafeEqual(digest(presented), expected);
}

export function readAdminToken(stateDir: string): string {
  return readFileSync(join(stateDir, ADMIN_TOKEN_FILE), 'utf8').trim();
}
