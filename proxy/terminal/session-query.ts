/**
 * The auditors' filter over terminal sessions, read the same way by the portal page, the API and
 * the CLI: person (username, email or user id), resource, from/to (a date or an ISO time),
 * state, paging by start time. Bad values are refused with a message, never ignored.
 */
import { parseAuditTime } from '../audit/query.js';
import { badRequest } from '../shared/errors.js';
import type { UserRepository } from '../store/types.js';
import type { TerminalSessionFilter, TerminalSessionRecord } from './session-record.js';

export interface SessionQueryText {
  person?: unknown;
  resource?: unknown;
  from?: unknown;
  to?: unknown;
  state?: unknown;
  before?: unknown;
  limit?: unknown;
}

const one = (name: string, value: unknown): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest('invalid_query', `${name} must be given once`);
  return value;
};

export async function sessionFilterFromQuery(
  query: SessionQueryText,
  users: Pick<UserRepository, 'findByName'>,
  defaultLimit: number,
): Promise<TerminalSessionFilter> {
  const filter: TerminalSessionFilter = { limit: defaultLimit };
  const person = one('person', query.person);
  if (person !== undefined) filter.userIds = (await users.findByName(person)).map((u) => u.id);
  const resource = one('resource', query.resource);
  if (resource !== undefined) filter.resourceId = resource;
  const from = one('from', query.from);
  if (from !== undefined) filter.from = parseAuditTime('from', from, false);
  const to = one('to', query.to);
  if (to !== undefined) filter.to = parseAuditTime('to', to, true);
  const state = one('state', query.state);
  if (state !== undefined && state !== 'live' && state !== 'ended')
    throw badRequest('invalid_query', 'state must be live or ended');
  if (state !== undefined) filter.state = state;
  const before = one('before', query.before);
  if (before !== undefined) {
    if (!/^\d{1,15}$/.test(before)) throw badRequest('invalid_query', 'before must be epoch ms');
    filter.beforeStartedAt = Number(before);
  }
  const limit = one('limit', query.limit);
  if (limit !== undefined) {
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1)
      throw badRequest('invalid_query', 'limit must be a number from 1');
    filter.limit = Math.min(Number(limit), 500);
  }
  return filter;
}

/** A session as the API and the CLI show it: times as ISO strings. */
export function sessionJson(session: TerminalSessionRecord, live: boolean) {
  return {
    id: session.id,
    user: session.userId,
    resource: session.resourceId,
    login: session.login,
    grant: session.grantId,
    via: session.via,
    state: session.state,
    live,
    startedAt: new Date(session.startedAt).toISOString(),
    endedAt: session.endedAt === null ? null : new Date(session.endedAt).toISOString(),
    endReason: session.endReason,
    recording: session.recordingState,
    sha256: session.checksum,
    bytes: session.bytes,
  };
}
