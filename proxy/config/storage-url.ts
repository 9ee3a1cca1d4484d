/**
 * The PostgreSQL store's URL, read from the variable or file `storage.postgres` names, at load
 * time so that a missing or malformed one is listed with every other problem. Messages never
 * quote the URL: it carries the password.
 */
import type { Problem } from './errors.js';
import { resolveSecret, type SecretSource } from './secrets.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A postgresql:// URL that parses, with a host. */
export function isPostgresUrl(text: string): boolean {
  if (!/^postgres(ql)?:\/\//i.test(text)) return false;
  const url = URL.parse(text);
  return url !== null && url.hostname !== '';
}

export function resolveStorageUrl(
  raw: unknown,
  source: SecretSource,
): { url?: string; problems: Problem[] } {
  const storage = isRecord(raw) ? raw.storage : undefined;
  const path = ['storage', 'postgres'];
  if (isRecord(storage) && isRecord(storage.postgres) && storage.postgres.url !== undefined) {
    const message = 'must not be in this file (the URL carries a password): use urlEnv or urlFile';
    return { problems: [{ path: [...path, 'url'], message }] };
  }
  // A URL that will not be used is not read.
  if (!isRecord(storage) || storage.driver !== 'postgres') return { problems: [] };
  const resolved = resolveSecret(storage.postgres, path, 'url', source);
  if (resolved === undefined) return { problems: [] };
  if ('problem' in resolved) return { problems: [resolved.problem] };
  if (!isPostgresUrl(resolved.secret))
    return {
      problems: [
        {
          path: [...path, resolved.key],
          message: 'does not hold a postgresql://user:password@host/database URL',
        },
      ],
    };
  return { url: resolved.secret, problems: [] };
}
