/**
 * An access review's question from text (API query, portal form, CLI flags, all as a query
 * string): `resource`, `user` (an id, username or email), `from`, `to` (dates or ISO times; a
 * date as `to` means through its end). Without a period, the last 30 days. One parser, so each
 * client reads the same question the same way.
 */
import { parseAuditTime } from '../audit/query.js';
import { badRequest, notFound } from '../shared/errors.js';
import { JitgateError } from '../shared/errors.js';
import type { UserRepository } from '../store/types.js';
import type { AccessReportQuery } from './access-report.js';

const DAY_MS = 86_400_000;
export const DEFAULT_REPORT_DAYS = 30;
/** Longer periods are a series of reports: this bounds what one answer has to read. */
const MAX_PERIOD_MS = 400 * DAY_MS;

export interface ReportQueryText {
  resource?: unknown;
  user?: unknown;
  from?: unknown;
  to?: unknown;
}

function one(name: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 320)
    throw badRequest('invalid_query', `${name} must be given once, as text`);
  return value.trim() || undefined;
}

export async function reportQueryFrom(
  text: ReportQueryText,
  deps: { users: Pick<UserRepository, 'findByName'>; resourceIds: readonly string[]; now: number },
): Promise<AccessReportQuery> {
  const resource = one('resource', text.resource);
  if (resource !== undefined && !deps.resourceIds.includes(resource))
    throw notFound('unknown_resource', `no resource "${resource}"`);
  const name = one('user', text.user);
  let userId: string | undefined;
  if (name !== undefined) {
    const found = await deps.users.findByName(name);
    if (found.length === 0) throw notFound('unknown_user', `nobody called "${name}" has logged in`);
    if (found.length > 1)
      throw new JitgateError(409, 'ambiguous_user', `"${name}" names several people; use the id`);
    userId = found[0]?.id;
  }
  const toText = one('to', text.to);
  const fromText = one('from', text.from);
  const to = toText !== undefined ? parseAuditTime('to', toText, true) : deps.now;
  const from =
    fromText !== undefined
      ? parseAuditTime('from', fromText, false)
      : to - DEFAULT_REPORT_DAYS * DAY_MS;
  if (from >= to) throw badRequest('invalid_query', '`from` must be before `to`');
  if (to - from > MAX_PERIOD_MS)
    throw badRequest('invalid_query', 'a report covers at most 400 days; ask for several');
  return {
    from,
    to,
    ...(resource !== undefined ? { resourceId: resource } : {}),
    ...(userId !== undefined ? { userId } : {}),
  };
}
