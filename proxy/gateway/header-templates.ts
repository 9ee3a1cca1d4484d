/** Per-resource upstream headers from config templates: "{email}", "{groups}", "{grant}"… */
import type { SessionUser } from '../identity/session-user.js';
import type { GrantRecord } from '../store/types.js';

const PLACEHOLDER = /\{(sub|email|username|name|groups|grant|resource)\}/g;

/** Header values may carry only visible ASCII and spaces; anything else becomes "?". */
const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e]/g, '?');

export function renderHeaderTemplates(
  templates: Record<string, string>,
  user: SessionUser,
  grant: GrantRecord,
): [string, string][] {
  const values: Record<string, string> = {
    sub: user.id,
    email: user.email ?? '',
    username: user.username,
    name: user.name ?? '',
    groups: user.groups.join(','),
    grant: grant.id,
    resource: grant.resourceId,
  };
  return Object.entries(templates).map(([name, template]) => [
    name,
    headerSafe(template.replace(PLACEHOLDER, (_, key: string) => values[key] ?? '')),
  ]);
}
