/**
 * Request-body redaction for the trail. JSON bodies lose the value of every configured field at
 * any depth; form bodies are redacted like a query string. Anything that cannot be parsed (other
 * content types, a JSON body cut at the size limit) cannot be redacted with certainty, so its
 * text is not kept at all: a secret must never reach the store because a parser gave up.
 */
import type { TrailBody } from './record.js';
import { isSecretName, REDACTED, redactQuery } from './redact-query.js';

const MAX_DEPTH = 64;

/** Replaces secret fields (configured, or named as one: redact-query.ts) at any depth of parsed JSON. */
export function redactJsonValue(value: unknown, names: ReadonlySet<string>, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any real payload: drop it rather than walk it unchecked.
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactJsonValue(item, names, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretName(key.toLowerCase(), names)
      ? REDACTED
      : redactJsonValue(item, names, depth + 1);
  }
  return out;
}

/** The redacted JSON text, or undefined when `text` is not JSON. */
export function redactJson(text: string, names: ReadonlySet<string>): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return JSON.stringify(redactJsonValue(parsed, names));
}

const mediaType = (contentType: string) =>
  (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();

const isJsonType = (type: string) => type === 'application/json' || type.endsWith('+json');

export interface BodyInput {
  contentType: string;
  /** What was kept (at most the resource's maxBodyBytes). */
  kept: Buffer;
  /** Bytes the client sent in all. */
  size: number;
  /** The request's Content-Encoding, if it had one. */
  contentEncoding?: string;
}

/** Bytes the app reads as they are: no Content-Encoding, or `identity`. */
const isPlain = (encoding: string | undefined) =>
  encoding === undefined || /^\s*(?:identity)?\s*$/i.test(encoding);

/** Turns the captured bytes into what the trail stores. */
export function redactBody(input: BodyInput, names: ReadonlySet<string>): TrailBody {
  const contentType = input.contentType.slice(0, 200);
  const base = { contentType, size: input.size };
  if (input.kept.length < input.size) return { ...base, text: null, note: 'truncated' };
  // Apps inflate gzip and deflate bodies (Express's body-parser does by default): the parsers
  // here would read compressed bytes, redact nothing, and keep a stored block's text as sent.
  if (!isPlain(input.contentEncoding)) return { ...base, text: null, note: 'not_redactable' };
  const type = mediaType(contentType);
  const text = input.kept.toString('utf8');
  if (type === 'application/x-www-form-urlencoded')
    return { ...base, text: redactQuery(text, names) };
  if (isJsonType(type)) {
    const redacted = redactJson(text, names);
    if (redacted !== undefined) return { ...base, text: redacted };
  }
  return { ...base, text: null, note: 'not_redactable' };
}
