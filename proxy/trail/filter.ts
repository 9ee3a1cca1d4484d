/**
 * Trail filters from text (URL query strings): one parser so the portal pages and the API read
 * person, resource, path, method, status, times and paging the same way. Times read as in the
 * audit log's filters (a date, or an ISO date-time with a zone).
 */
import { parseAuditTime } from '../audit/query.js';
import { badRequest } from '../shared/errors.js';
import type { UserRepository } from '../store/types.js';
import { parseCursor, type TrailFilter, type TrailPage } from './trail-repository.js';

export interface TrailQueryText {
  person?: unknown;
  resource?: unknown;
  path?: unknown;
  method?: unknown;
  status?: unknown;
  from?: unknown;
  to?: unknown;
  after?: unknown;
  limit?: unknown;
}

/** The keys of TrailQueryText: pages carry them into their links. */
export const TRAIL_QUERY_KEYS = [
  'person',
  'resource',
  'path',
  'method',
  'status',
  'from',
  'to',
] as const;

/** A single non-empty value; empty form fields mean "no filter". */
function one(name: string, value: unknown, max = 500): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest('invalid_query', `${name} must be given once`);
  if (value.length > max) throw badRequest('invalid_query', `${name} is too long`);
  return value;
}

/** "404" is that status; "4xx" the class. */
function statusRange(value: string): { statusMin: number; statusMax: number } {
  if (/^[1-5]\d\d$/.test(value)) return { statusMin: Number(value), statusMax: Number(value) };
  if (/^[1-5]xx$/i.test(value)) {
    const base = Number(value[0]) * 100;
    return { statusMin: base, statusMax: base + 99 };
  }
  throw badRequest('invalid_query', 'status must be a status such as 404, or a class such as 4xx');
}

/**
 * The filter without the person, which needs the store. `method` is matched upper case; `path`
 * is a substring of the path.
 */
export function trailFilterFromText(query: TrailQueryText): TrailFilter {
  const filter: TrailFilter = {};
  const resource = one('resource', query.resource, 63);
  const path = one('path', query.path);
  const method = one('method', query.method, 16);
  const status = one('status', query.status, 3);
  const from = one('from', query.from, 40);
  const to = one('to', query.to, 40);
  if (resource !== undefined) filter.resourceId = resource;
  if (path !== undefined) filter.pathContains = path;
  if (method !== undefined) {
    if (!/^[A-Za-z]+$/.test(method)) throw badRequest('invalid_query', 'method must be a word');
    filter.method = method.toUpperCase();
  }
  if (status !== undefined) Object.assign(filter, statusRange(status));
  if (from !== undefined) filter.from = parseAuditTime('from', from, false);
  if (to !== undefined) filter.to = parseAuditTime('to', to, true);
  return filter;
}

/** The whole filter: `person` is a username, email or user id (every match counts). */
export async function trailFilterFromQuery(
  query: TrailQueryText,
  users: Pick<UserRepository, 'findByName'>,
): Promise<TrailFilter> {
  const filter = trailFilterFromText(query);
  const person = one('person', query.person, 320);
  if (person !== undefined) filter.userIds = (await users.findByName(person)).map((u) => u.id);
  return filter;
}

/**
 * Paging. A grant's timeline reads forward (`after`: the cursor of the last row shown); a search
 * reads newest first (`before`: the cursor of the oldest row shown). `limit` is at most `max`.
 */
export function trailPageFromQuery(
  query: TrailQueryText & { before?: unknown },
  order: 'asc' | 'desc',
  defaultLimit: number,
  max: number,
): TrailPage {
  const page: TrailPage = { limit: defaultLimit, order };
  const cursorName = order === 'asc' ? 'after' : 'before';
  const text = one(cursorName, order === 'asc' ? query.after : query.before, 40);
  const limit = one('limit', query.limit, 6);
  if (text !== undefined) {
    const cursor = parseCursor(text);
    if (!cursor) throw badRequest('invalid_query', `${cursorName} must be a cursor from "next"`);
    if (order === 'asc') page.after = cursor;
    else page.before = cursor;
  }
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > max)
      throw badRequest('invalid_query', `limit must be between 1 and ${max}`);
    page.limit = Number(limit);
  }
  return page;
}
