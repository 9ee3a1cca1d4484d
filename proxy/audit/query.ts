/**
 * Audit filters from text (URL query strings, CLI flags): one parser so the portal, the API and
 * `jitgate audit export` read times and limits the same way.
 */
import { badRequest } from '../shared/errors.js';
import type { AuditFilter } from './types.js';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface AuditQueryText {
  code?: unknown;
  actor?: unknown;
  target?: unknown;
  from?: unknown;
  to?: unknown;
  afterSeq?: unknown;
  beforeSeq?: unknown;
  limit?: unknown;
}

/** A single non-empty query value; empty form fields mean "no filter". */
function one(name: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest('invalid_query', `${name} must be given once`);
  if (value.length > 1000) throw badRequest('invalid_query', `${name} is too long`);
  return value;
}

/**
 * A point in time: an ISO 8601 date-time with a zone, or a date (a UTC day). As an upper bound a
 * date means "through the end of that day", which is what someone picking dates expects.
 */
export function parseAuditTime(name: string, value: string, end: boolean): number {
  if (DATE_ONLY.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(start)) return end ? start + DAY_MS : start;
  } else if (ISO_TIME.test(value)) {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return time;
  }
  throw badRequest('invalid_query', `${name} must be a date (2025-01-31) or an ISO date-time`);
}

function seq(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw badRequest('invalid_query', `${name} must be a seq number`);
  return Number(value);
}

/** Parses the filter; `limit` defaults to `defaultLimit` and is capped at `maxLimit`. */
export function auditFilterFromQuery(
  query: AuditQueryText,
  defaultLimit: number,
  maxLimit: number,
): AuditFilter {
  const filter: AuditFilter = { limit: defaultLimit };
  const code = one('code', query.code);
  const actor = one('actor', query.actor);
  const target = one('target', query.target);
  const from = one('from', query.from);
  const to = one('to', query.to);
  if (code !== undefined) filter.code = code;
  if (actor !== undefined) filter.actor = actor;
  if (target !== undefined) filter.target = target;
  if (from !== undefined) filter.from = parseAuditTime('from', from, false);
  if (to !== undefined) filter.to = parseAuditTime('to', to, true);
  const afterSeq = seq('afterSeq', one('afterSeq', query.afterSeq));
  const beforeSeq = seq('beforeSeq', one('beforeSeq', query.beforeSeq));
  if (afterSeq !== undefined) filter.afterSeq = afterSeq;
  if (beforeSeq !== undefined) filter.beforeSeq = beforeSeq;
  const limit = seq('limit', one('limit', query.limit));
  if (limit !== undefined) {
    if (limit < 1 || limit > maxLimit)
      throw badRequest('invalid_query', `limit must be between 1 and ${maxLimit}`);
    filter.limit = limit;
  }
  return filter;
}
