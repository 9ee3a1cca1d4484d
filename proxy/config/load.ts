/**
 * Loads the configuration: YAML text → raw document → schema, cross-key checks and client secrets,
 * all run on the same document so that one ConfigError lists every problem, each with its path
 * and, when the document came from a file, its line.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type ErrorCode,
  type YAMLError,
} from 'yaml';
import { crossCheck } from './cross-check.js';
import { fsReason, listAt, resolveSecrets } from './secrets.js';
import { resolveStorageUrl } from './storage-url.js';
import { resolveSamlFiles } from './saml-files.js';
import { ConfigError, formatPath, issueText, problemsFromIssues, type Problem } from './errors.js';
import { allowedKeys, closestKey } from './key-suggestions.js';
import { configSchema, type Config } from './schema.js';

/** The line a path points at, or undefined for documents that have no lines (in memory). */
type LineOf = (path: readonly PropertyKey[]) => number | undefined;

interface Source {
  name: string;
  env: NodeJS.ProcessEnv;
  /** Folder that relative clientSecretFile and metadataFile paths start from. */
  baseDir: string;
  lineOf: LineOf;
  /** Whether PORT in `env` overrides server.port (files only: in-memory configs set their port). */
  portFromEnv: boolean;
}

/** Reads and validates a YAML config file; relative secret files are found next to it. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file (${fsReason(error)})`], { cause: error });
  }
  return parseConfig(text, path, env, dirname(resolve(path)));
}

/** Validates YAML text; `sourceName` only labels the error. */
export function parseConfig(
  text: string,
  sourceName: string,
  env: NodeJS.ProcessEnv = process.env,
  baseDir: string = process.cwd(),
): Config {
  const lines = new LineCounter();
  // prettyErrors off: the pretty form quotes the offending source line, which may hold a secret.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      sourceName,
      doc.errors.map((error) => yamlProblem(error, lines)),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // toJS refuses documents whose aliases expand without bound ("billion laughs").
    throw new ConfigError(sourceName, ['the YAML expands too much through aliases'], {
      cause: error,
    });
  }
  const lineOf: LineOf = (path) => lineOfPath(doc, lines, path);
  return validate(raw, { name: sourceName, env, baseDir, lineOf, portFromEnv: true });
}

/**
 * Validates a configuration already in memory, such as the demo's. `env` serves clientSecretEnv
 * only: PORT is not applied, because the code that built the config already chose its port.
 */
export function validateConfig(doc: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  return validate(doc, {
    name: 'configuration',
    env,
    baseDir: process.cwd(),
    lineOf: () => undefined,
    portFromEnv: false,
  });
}

function validate(raw: unknown, source: Source): Config {
  const shape = shapeProblem(raw);
  if (shape !== undefined) throw new ConfigError(source.name, [shape]);
  const parsed = configSchema.safeParse(raw, { error: issueText });
  const idpSecrets = resolveSecrets(
    listAt(raw, ['identityProviders']),
    ['identityProviders'],
    'clientSecret',
    source,
  );
  const hookSecrets = resolveSecrets(
    listAt(raw, ['notifications', 'webhooks']),
    ['notifications', 'webhooks'],
    'secret',
    source,
  );
  const storage = resolveStorageUrl(raw, source);
  const reviewerSecrets = resolveSecrets(
    listAt(raw, ['resources']),
    ['resources'],
    'reviewerToken',
    source,
  );
  const agentSecrets = resolveSecrets(
    listAt(raw, ['resources']),
    ['resources'],
    'agentToken',
    source,
  );
  // A shared bearer must be hard to guess, wherever it comes from.
  const shortBearers = (values: Map<number, string>, base: string): Problem[] =>
    [...values]
      .filter(([, secret]) => secret.length < 32)
      .map(([index]) => {
        const item = listAt(raw, ['resources'])[index] as Record<string, unknown>;
        const key = item[`${base}Env`] !== undefined ? `${base}Env` : `${base}File`;
        return {
          path: ['resources', index, key],
          message: 'names a secret shorter than 32 characters',
        };
      });
  const shortReviewers = [
    ...shortBearers(reviewerSecrets.values, 'reviewerToken'),
    ...shortBearers(agentSecrets.values, 'agentToken'),
  ];
  const samlFiles = resolveSamlFiles(raw, source.baseDir);
  const port = source.portFromEnv ? portFromEnv(source.env) : { problems: [] };
  const problems: Problem[] = [
    ...(parsed.success
      ? []
      : problemsFromIssues(parsed.error.issues, (path, key) =>
          closestKey(key, allowedKeys(configSchema, raw, path)),
        )),
    ...crossCheck(raw),
    ...idpSecrets.problems,
    ...hookSecrets.problems,
    ...storage.problems,
    ...reviewerSecrets.problems,
    ...agentSecrets.problems,
    ...shortReviewers,
    ...samlFiles.problems,
    ...port.problems,
  ];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(source.name, wordProblems(raw, problems, source.lineOf));
  }
  const config = parsed.data;
  for (const [index, secret] of idpSecrets.values) {
    const idp = config.identityProviders[index];
    if (idp?.type === 'oidc') idp.clientSecret = secret;
  }
  for (const [index, path] of samlFiles.paths) {
    const idp = config.identityProviders[index];
    if (idp?.type === 'saml') idp.metadataFile = path;
  }
  for (const [index, secret] of hookSecrets.values) {
    const hook = config.notifications.webhooks[index];
    if (hook) hook.secret = secret;
  }
  if (config.storage.postgres && storage.url) config.storage.postgres.url = storage.url;
  for (const [index, secret] of reviewerSecrets.values) {
    const resource = config.resources[index];
    if (resource?.kind === 'kubernetes') resource.reviewerToken = secret;
  }
  for (const [index, secret] of agentSecrets.values) {
    const resource = config.resources[index];
    if (resource?.kind === 'ssh') resource.agentToken = secret;
  }
  if (port.value !== undefined) config.server.port = port.value;
  return config;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shapeProblem(raw: unknown): string | undefined {
  if (raw === null || raw === undefined) {
    return 'the configuration is empty: it needs at least identityProviders';
  }
  if (!isRecord(raw)) {
    const found = Array.isArray(raw) ? 'a list' : 'a single value';
    return `the configuration must be a mapping of keys (server:, identityProviders:, ...), not ${found}`;
  }
  return undefined;
}

// --- Problems in document order -----------------------------------------------------------------

/** Words problems as `path (line N): message`, in the order they appear in the document. */
function wordProblems(raw: unknown, problems: readonly Problem[], lineOf: LineOf): string[] {
  const order = documentOrder(raw);
  const entries = problems.map((problem) => {
    const path = formatPath(problem.path);
    const line = problem.path.length > 0 ? lineOf(problem.path) : undefined;
    const where = line === undefined ? path : `${path} (line ${line})`;
    const text = where === '' ? problem.message : `${where}: ${problem.message}`;
    return { text, path, rank: rankOf(order, problem.path) };
  });
  entries.sort(
    (a, b) => a.rank - b.rank || a.path.localeCompare(b.path) || a.text.localeCompare(b.text),
  );
  return [...new Set(entries.map((entry) => entry.text))];
}

/** Position of every path in a depth-first walk: the order of the lines in the file. */
function documentOrder(raw: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const ancestors = new Set<unknown>();
  const visit = (value: unknown, path: PropertyKey[]): void => {
    order.set(formatPath(path), order.size);
    if (typeof value !== 'object' || value === null || ancestors.has(value)) return;
    ancestors.add(value); // in-memory documents may be cyclic
    const children = Array.isArray(value) ? value.entries() : Object.entries(value);
    for (const [key, child] of children) visit(child, [...path, key]);
    ancestors.delete(value);
  };
  visit(raw, []);
  return order;
}

/** A missing key ranks with the nearest ancestor that exists. */
function rankOf(order: Map<string, number>, path: readonly PropertyKey[]): number {
  for (let length = path.length; length >= 0; length--) {
    const rank = order.get(formatPath(path.slice(0, length)));
    if (rank !== undefined) return rank;
  }
  return Number.MAX_SAFE_INTEGER;
}

// --- YAML positions and syntax errors -----------------------------------------------------------

/** The line of the deepest key or item along `path` that the document has. */
function lineOfPath(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      if (isNode(pair.key)) offset = pair.key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!isNode(item)) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

const YAML_TEXTS: Partial<Record<ErrorCode, string>> = {
  MULTIPLE_DOCS: 'the file holds several YAML documents (---); jitgate reads one',
  DUPLICATE_KEY: 'the same key appears twice in one mapping',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
};

function yamlProblem(error: YAMLError, lines: LineCounter): string {
  const { line, col } = lines.linePos(error.pos[0]);
  // A few yaml messages end with ": <source fragment>"; the fragment may be part of a secret.
  const text = YAML_TEXTS[error.code] ?? error.message.split(': ')[0] ?? error.code;
  return `line ${line}:${col}: invalid YAML: ${text}`;
}

// --- PORT ---------------------------------------------------------------------------------------

/** PORT in the environment wins over server.port (the demo and containers set it). */
function portFromEnv(env: NodeJS.ProcessEnv): { value?: number; problems: Problem[] } {
  const text = env.PORT?.trim();
  if (text === undefined || text === '') return { problems: [] };
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port <= 65535)) {
    const message = 'the PORT environment variable must be a port number (0-65535)';
    return { problems: [{ path: [], message }] };
  }
  return { value: port, problems: [] };
}
