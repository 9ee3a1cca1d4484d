/**
 * Secrets referenced from the config (`<base>Env`, `<base>File`) are read from the raw document,
 * so a missing variable is reported together with schema problems. Messages never quote the
 * variable, path or value: a secret pasted into the wrong key must not reach a log.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Problem } from './errors.js';
import { ENV_NAME } from './schema.js';

const MAX_SECRET_FILE = 64 * 1024;

type Outcome = { secret: string } | { problem: string };

export interface Secrets {
  /** Resolved secret by list index. */
  values: Map<number, string>;
  problems: Problem[];
}

export interface SecretSource {
  env: NodeJS.ProcessEnv;
  /** Folder relative secret files start from (the config file's folder). */
  baseDir: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The list at `path` in the raw document, or [] when it is missing or not a list. */
export function listAt(raw: unknown, path: readonly string[]): unknown[] {
  let node: unknown = raw;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return Array.isArray(node) ? node : [];
}

/** Resolves `<base>`, `<base>Env` or `<base>File` for each entry of a list of config items. */
export function resolveSecrets(
  items: readonly unknown[],
  path: readonly (string | number)[],
  base: string,
  source: SecretSource,
): Secrets {
  const secrets: Secrets = { values: new Map(), problems: [] };
  items.forEach((item, index) => {
    const resolved = resolveSecret(item, [...path, index], base, source);
    if (resolved === undefined) return;
    if ('secret' in resolved) secrets.values.set(index, resolved.secret);
    else secrets.problems.push(resolved.problem);
  });
  return secrets;
}

/**
 * Resolves `<base>Env` or `<base>File` of one config item: the secret, a problem at the key that
 * named it, or undefined when neither is the one source given (inline, none, or a conflict: the
 * schema reports those).
 */
export function resolveSecret(
  item: unknown,
  path: readonly (string | number)[],
  base: string,
  source: SecretSource,
): { secret: string; key: string } | { problem: Problem } | undefined {
  if (!isRecord(item)) return undefined;
  const envKey = `${base}Env`;
  const fileKey = `${base}File`;
  const set = [base, envKey, fileKey].filter((key) => item[key] !== undefined);
  if (set.length !== 1) return undefined;
  let key: string;
  let outcome: Outcome;
  const env = item[envKey];
  const file = item[fileKey];
  if (typeof env === 'string' && ENV_NAME.test(env)) {
    key = envKey;
    outcome = fromEnv(source.env[env]);
  } else if (typeof file === 'string' && file !== '') {
    key = fileKey;
    outcome = fromFile(resolve(source.baseDir, file));
  } else return undefined; // inline, or malformed and reported by the schema
  return 'secret' in outcome
    ? { secret: outcome.secret, key }
    : { problem: { path: [...path, key], message: outcome.problem } };
}

function fromEnv(value: string | undefined): Outcome {
  if (value === undefined) return { problem: 'names an environment variable that is not set' };
  if (value.trim() === '') return { problem: 'names an environment variable that is empty' };
  return { secret: value };
}

function fromFile(path: string): Outcome {
  try {
    const stat = statSync(path);
    // Checked first so that a FIFO or device never blocks startup.
    if (!stat.isFile()) return { problem: 'must name a regular file' };
    if (stat.size > MAX_SECRET_FILE) return { problem: 'names a file too large to hold a secret' };
    const secret = readFileSync(path, 'utf8').trim();
    return secret === '' ? { problem: 'names an empty file' } : { secret };
  } catch (error) {
    return { problem: `names a file that cannot be read (${fsReason(error)})` };
  }
}

/** The reason without the path: node's own messages quote it. */
export function fsReason(error: unknown): string {
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? 'unknown error';
}
