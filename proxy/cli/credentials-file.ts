/**
 * Where `jitgate login` keeps a person's bearer token: $XDG_CONFIG_HOME/jitgate/credentials.json
 * (default ~/.config), mode 0600 in a 0700 folder, one entry per proxy URL. The loopback names
 * of one port (localhost, 127.0.0.1, [::1]) are one proxy: a login under one is found under the
 * others. The token is never printed; `jitgate logout` removes it.
 */
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from './exit-codes.js';

export interface StoredLogin {
  token: string;
  user: string;
  expiresAt: string;
}

type Logins = Record<string, StoredLogin>;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The entry a proxy URL is kept under. */
export function loginKey(url: string): string {
  const parsed = new URL(url);
  if (LOOPBACK.has(parsed.hostname)) parsed.hostname = 'localhost';
  return parsed.origin;
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'jitgate', 'credentials.json');
}

function readAll(path: string): Logins {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Logins) : {};
  } catch {
    throw new CliError(`${path} is not valid JSON (remove it and log in again)`, EXIT.usage);
  }
}

export function loadLogin(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
): StoredLogin | undefined {
  const login = readAll(credentialsPath(env))[loginKey(url)];
  if (!login || typeof login.token !== 'string') return undefined;
  return Date.parse(login.expiresAt) > Date.now() ? login : undefined;
}

/**
 * The folder the tokens live in, 0700 and this user's: one that was already there open to others
 * (made by hand, or by a tool with a loose umask) is closed first; someone else's is refused.
 */
function privateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const folder = statSync(dir);
  if (process.getuid && folder.uid !== process.getuid())
    throw new CliError(`${dir} belongs to another user: no token is saved there`, EXIT.usage);
  if ((folder.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * Writes atomically (temp file, then rename), created 0600 so the token is never world-readable.
 * The temp file is made new (O_EXCL): a file or link already at its name is removed, never
 * written through.
 */
export function saveLogin(url: string, login: StoredLogin | undefined, env = process.env): string {
  const path = credentialsPath(env);
  privateFolder(join(path, '..'));
  const all = readAll(path);
  if (login) all[loginKey(url)] = login;
  else delete all[loginKey(url)];
  const temp = `${path}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  writeFileSync(temp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  renameSync(temp, path);
  return path;
}
