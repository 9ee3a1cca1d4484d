/**
 * Checks that span several keys: unique ids and hosts, policies that name real resources and
 * whose approval rules fit together. They run on the raw document so that they are reported
 * together with schema errors.
 */
import { parseDuration } from '../shared/duration.js';
import { machineProblems } from './credential-checks.js';
import { POLICY_DEFAULT_MAX_DURATION } from './schema.js';

export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

type Row = Record<string, unknown>;

function rows(doc: unknown, key: string): Row[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const list: unknown = (doc as Row)[key];
  if (!Array.isArray(list)) return [];
  return list.map((item: unknown) =>
    typeof item === 'object' && item !== null ? (item as Row) : {},
  );
}

function duplicates(
  doc: unknown,
  key: string,
  field: string,
  label: string,
  only: (row: Row) => boolean = () => true,
): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  rows(doc, key).forEach((row, i) => {
    const raw = only(row) ? row[field] : undefined;
    if (typeof raw !== 'string') return;
    const value = raw.toLowerCase();
    if (seen.has(value)) {
      problems.push({ path: [key, i, field], message: `duplicate ${label} "${raw}"` });
    }
    seen.add(value);
  });
  return problems;
}

const isWeb = (row: Row) => row.kind === undefined || row.kind === 'web';

function portalHost(doc: unknown): string | undefined {
  const server = typeof doc === 'object' && doc ? (doc as Row).server : undefined;
  const publicUrl = typeof server === 'object' && server ? (server as Row).publicUrl : undefined;
  try {
    return typeof publicUrl === 'string' ? new URL(publicUrl).hostname : undefined;
  } catch {
    return undefined;
  }
}

export function crossCheck(doc: unknown): ConfigProblem[] {
  const problems = [
    ...duplicates(doc, 'identityProviders', 'id', 'id'),
    ...duplicates(doc, 'resources', 'id', 'id'),
    // Only web hosts route requests; an SSH target's host may repeat and may be loopback.
    ...duplicates(doc, 'resources', 'host', 'host', isWeb),
    ...duplicates(doc, 'policies', 'id', 'id'),
  ];
  const portal = portalHost(doc) ?? 'localhost';
  rows(doc, 'resources').forEach((row, i) => {
    if (isWeb(row) && typeof row.host === 'string' && row.host.toLowerCase() === portal) {
      problems.push({
        path: ['resources', i, 'host'],
        message: 'must differ from the portal host',
      });
    }
  });
  const resourceIds = new Set(rows(doc, 'resources').map((r) => r.id));
  rows(doc, 'policies').forEach((row, i) => {
    if (!Array.isArray(row.resources)) return;
    row.resources.forEach((id: unknown, j: number) => {
      if (typeof id === 'string' && !resourceIds.has(id)) {
        problems.push({
          path: ['policies', i, 'resources', j],
          message: `names unknown resource "${id}"`,
        });
      }
    });
  });
  return [...problems, ...policyProblems(doc), ...machineProblems(doc), ...workerProblems(doc)];
}

/**
 * Workers are replicas: they learn of each other's revokes, logouts and grants through
 * PostgreSQL (LISTEN/NOTIFY). SQLite has no such channel, so a second process on it would admit
 * on a grant another one revoked.
 */
function workerProblems(doc: unknown): ConfigProblem[] {
  const root = typeof doc === 'object' && doc ? (doc as Row) : {};
  const server = typeof root.server === 'object' && root.server ? (root.server as Row) : {};
  const storage = typeof root.storage === 'object' && root.storage ? (root.storage as Row) : {};
  const several =
    server.workers === 'auto' || (typeof server.workers === 'number' && server.workers > 1);
  if (!several || storage.driver === 'postgres') return [];
  return [
    {
      path: ['server', 'workers'],
      message:
        "more than one worker needs storage.driver: postgres (workers share grants, sessions and revocations through PostgreSQL; SQLite cannot tell one process of another's revoke)",
    },
  ];
}

/** A policy must say how requests get approved, and auto-approval may not outreach it. */
function policyProblems(doc: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  rows(doc, 'policies').forEach((row, i) => {
    // `approval:` left empty (null) is already reported by the schema as an empty mapping.
    if (row.approval === undefined && row.autoApprove === undefined) {
      problems.push({ path: ['policies', i], message: 'needs approval or autoApprove' });
    }
    const auto = row.autoApprove;
    if (typeof auto !== 'object' || auto === null) return;
    const autoMax = durationOf((auto as Row).maxDuration);
    const max = durationOf(row.maxDuration ?? POLICY_DEFAULT_MAX_DURATION);
    if (autoMax !== undefined && max !== undefined && autoMax > max) {
      problems.push({
        path: ['policies', i, 'autoApprove', 'maxDuration'],
        message: "must not be longer than the policy's maxDuration",
      });
    }
  });
  return problems;
}

/** Malformed durations are the schema's to report; here they are simply not compared. */
const durationOf = (value: unknown) =>
  typeof value === 'string' ? parseDuration(value) : undefined;
