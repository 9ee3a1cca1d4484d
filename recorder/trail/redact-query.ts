/**
 * Query-string redaction: the value of every parameter whose name is configured (compared
 * case-insensitively, after percent-decoding) becomes REDACTED, and so does every parameter whose
 * name nests a configured one (`user[password]`, `session.token`: how Rails, PHP and Spring name
 * nested form fields, the same fields the JSON redactor finds at any depth), and every parameter
 * whose name holds a secret word (`new_password1`). Everything else is kept as sent, byte for
 * byte, so an auditor sees the request as the app saw it.
 */
export const REDACTED = 'REDACTED';

/** Names in the form the redactors compare them: lower case. */
export const redactionSet = (names: Iterable<string>): ReadonlySet<string> =>
  new Set([...names].map((name) => name.toLowerCase()));

function decodedName(raw: string): string {
  const plain = raw.replaceAll('+', ' ');
  try {
    return decodeURIComponent(plain).toLowerCase();
  } catch {
    // Malformed escapes: compare the raw text rather than fail the whole record.
    return plain.toLowerCase();
  }
}

/** The parts a framework reads a nested name as: `a[b][0].c` is a, b, 0 and c. */
const NESTING = /[[\].]+/;

/**
 * Words no one puts in a name unless a secret follows: a name that holds one is redacted whatever
 * the configured list says (`new_password1`, `currentPassword`, `reset_token`, `X-Api-Key`),
 * since apps name password changes, resets and keys in more ways than any list can hold.
 */
export const SECRET_WORDS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'api_key',
  'api-key',
  'privatekey',
  'private_key',
];

/**
 * Whether a query parameter, form field or JSON key (lower case, decoded) names a secret: one of
 * `names`, a name nesting one, or a name holding a secret word. The one test every redactor asks.
 */
export function isSecretName(name: string, names: ReadonlySet<string>): boolean {
  if (names.has(name) || SECRET_WORDS.some((word) => name.includes(word))) return true;
  // Most names nest nothing: split only those that do (this runs on every proxied query).
  return /[[.]/.test(name) && name.split(NESTING).some((part) => names.has(part));
}

/**
 * Where one parameter ends: `&`, and `;` too, which Rack 2 (Rails) and older servers also split
 * on, with the spaces Rack skips after it. Kept in the split so the rest stays byte for byte.
 */
const SEPARATOR = /([&;] *)/;

/** `query` without the leading "?". Returns it unchanged when nothing needs redacting. */
export function redactQuery(query: string, names: ReadonlySet<string>): string {
  if (query === '') return query;
  // Parameters at even indexes, the separators between them at odd ones.
  const parts = query.split(SEPARATOR);
  let changed = false;
  for (let i = 0; i < parts.length; i += 2) {
    const part = parts[i] ?? '';
    const eq = part.indexOf('=');
    if (eq === -1) continue; // a bare flag carries no value to hide
    if (!isSecretName(decodedName(part.slice(0, eq)), names)) continue;
    parts[i] = `${part.slice(0, eq)}=${REDACTED}`;
    changed = true;
  }
  return changed ? parts.join('') : query;
}

/** One `;name=value` path parameter, its value up to the next `;` or `/`. */
const PATH_PARAMETER = /;([^;/=]*)=([^;/]*)/g;

/**
 * A URL path with the value of every path parameter that names a secret (`;jsessionid=…`, how
 * servlet containers carry a session when cookies are refused) replaced by REDACTED, as in a
 * query. Returns it unchanged without one; a path without `;` is not even scanned (every proxied
 * request's path passes here).
 */
export function redactPath(path: string, names: ReadonlySet<string>): string {
  if (!path.includes(';')) return path;
  return path.replace(PATH_PARAMETER, (whole, name: string) =>
    isSecretName(decodedName(name), names) ? `;${name}=${REDACTED}` : whole,
  );
}
