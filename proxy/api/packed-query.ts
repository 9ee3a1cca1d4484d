/**
 * A sign-in link to come back to after a step-up, its query packed in one base64url `q`: the
 * step-up's redirect check rightly refuses an encoded `//` (%2F%2F), which the CLI's loopback and
 * the extension's callback redirect_uri always have. Used by the CLI's and the extension's.
 */

/** `path?q=…` carrying `params` (the ones set). */
export function packedLink(path: string, params: Record<string, string | undefined>): string {
  const set = Object.entries(params).filter((entry): entry is [string, string] => !!entry[1]);
  const query = new URLSearchParams(set).toString();
  return `${path}?q=${Buffer.from(query).toString('base64url')}`;
}

/** The query, from a packed `q` (packedLink) or as it came. */
export function unpacked(query: Record<string, unknown>): Record<string, unknown> {
  const packed = query.q;
  if (typeof packed !== 'string') return query;
  if (packed.length > 1000 || !/^[A-Za-z0-9_-]*$/.test(packed)) return {};
  return Object.fromEntries(new URLSearchParams(Buffer.from(packed, 'base64url').toString()));
}
