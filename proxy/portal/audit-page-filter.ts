/**
 * The Audit page's filters as people think of them — a person, a resource, an event code, a time
 * range — turned into the log's filter (person, target, code, from/to). A person's events are
 * the ones they did and the ones about them (bob approving alice's request is one of alice's). Checked here, at the edge:
 * a code that does not exist, a resource jitgate does not know or a person who matches several
 * accounts is a 400 that says so, never an empty page that looks like "nothing happened".
 */
import type { Request } from 'express';
import { isAuditCode } from '../audit/codes.js';
import { auditFilterFromQuery } from '../audit/query.js';
import type { AuditFilter } from '../audit/types.js';
import type { ResourceConfig } from '../config/schema.js';
import { badRequest } from '../shared/errors.js';
import type { UserRepository } from '../store/types.js';

export const AUDIT_PAGE_KEYS = ['person', 'resource', 'code', 'from', 'to'] as const;
export type AuditPageKey = (typeof AUDIT_PAGE_KEYS)[number];
export type AuditPageFields = Record<AuditPageKey, string>;

export interface AuditPageFilterDeps {
  users: Pick<UserRepository, 'findByName'>;
  resources: readonly ResourceConfig[];
}

/** The fields as typed, to refill the form and carry into paging links (never trusted). */
export function auditPageFields(req: Request): AuditPageFields {
  const value = (key: string) => {
    const raw = req.query[key];
    return typeof raw === 'string' ? raw : '';
  };
  return {
    person: value('person'),
    resource: value('resource'),
    code: value('code'),
    from: value('from'),
    to: value('to'),
  };
}

/** One value of a text field, or undefined when the field is empty or absent. */
function oneText(name: AuditPageKey, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 320)
    throw badRequest('invalid_query', `${name} must be given once, at most 320 characters`);
  return value;
}

/**
 * A person is a username, an email or a user id; an actor that is not a person (policy, system,
 * admin-cli) matches no account and is used as typed.
 */
async function personOf(deps: AuditPageFilterDeps, person: string): Promise<string> {
  const found = await deps.users.findByName(person);
  if (found.length > 1)
    throw badRequest(
      'invalid_query',
      `person "${person}" matches ${found.length} accounts; give the user id instead`,
    );
  return found[0]?.id ?? person;
}

/** Parses the page's query; throws a 400 JitgateError (invalid_query) that names the field. */
export async function auditPageFilter(
  deps: AuditPageFilterDeps,
  query: Request['query'],
  pageSize: number,
): Promise<AuditFilter> {
  // Times, paging and the "given once" rule are read as everywhere else (audit/query.ts).
  const base = auditFilterFromQuery(
    { code: query.code, from: query.from, to: query.to, beforeSeq: query.beforeSeq },
    pageSize,
    pageSize,
  );
  if (base.code !== undefined && !isAuditCode(base.code))
    throw badRequest('invalid_query', `code "${base.code}" is not an audit event code`);
  if (base.from !== undefined && base.to !== undefined && base.from >= base.to)
    throw badRequest('invalid_query', 'from must be before to');
  const person = oneText('person', query.person);
  const resource = oneText('resource', query.resource);
  const filter: AuditFilter = { ...base, order: 'desc' };
  if (person !== undefined) filter.person = await personOf(deps, person);
  if (resource !== undefined) {
    if (!deps.resources.some((r) => r.id === resource))
      throw badRequest('invalid_query', `resource "${resource}" is not a configured resource`);
    filter.target = resource;
  }
  return filter;
}
