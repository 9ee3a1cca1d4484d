/**
 * The access review's JSON and CSV (docs/access-reviews.md): one row per grant, with links to
 * what was done under it, and the standing privilege found on the targets (access that needs no
 * grant at all). The CSV has the same facts flattened: one line per grant, then one per finding.
 */
import type { AccessReport, AccessReportRow } from '../access/access-report.js';
import type { StandingFinding } from '../credentials/standing-scan.js';
import { toCsv } from '../shared/csv.js';
import { personJson } from './json.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The one word for where a grant stands (access-state's), with how it ended. */
const stateWord = (row: AccessReportRow) =>
  row.state.state === 'ended' ? row.state.end : row.state.state;

export function reportRowJson(row: AccessReportRow) {
  const { grant, breakGlass } = row;
  return {
    grant: grant.id,
    user: grant.userId,
    person: personJson(row.person),
    resource: grant.resourceId,
    startsAt: iso(grant.startsAt),
    endsAt: iso(grant.endsAt),
    endedAt: iso(row.endedAt),
    state: stateWord(row),
    endedBy: grant.revokedBy,
    reason: grant.reason,
    ticket: row.ticket,
    policy: row.policyId,
    request: row.requestId,
    allowedBy: row.allowedBy,
    breakGlass: breakGlass && {
      incident: breakGlass.incident,
      reviewDueAt: iso(breakGlass.reviewDueAt),
      review: breakGlass.review && {
        reviewer: breakGlass.review.reviewerId,
        verdict: breakGlass.review.verdict,
        comment: breakGlass.review.comment,
        at: iso(breakGlass.review.at),
      },
    },
    sessions: row.sessions.map((s) => ({
      id: s.id,
      login: s.login,
      startedAt: iso(s.startedAt),
      recording: s.recorded ? `/sessions/${s.id}/recording.cast` : null,
      link: `/sessions/${s.id}`,
    })),
    trail: { requests: row.trailRequests, link: `/grants/${grant.id}/trail` },
  };
}

export function reportJson(report: AccessReport, standing: readonly StandingFinding[]) {
  return {
    period: { from: iso(report.query.from), to: iso(report.query.to) },
    resource: report.query.resourceId ?? null,
    user: report.query.userId ?? null,
    truncated: report.truncated,
    grants: report.rows.map(reportRowJson),
    standing: standing.map(({ resource, kind, principal, detail }) => ({
      resource,
      kind,
      principal,
      detail,
    })),
  };
}

const CSV_HEADER = [
  'grant',
  'user',
  'username',
  'resource',
  'starts_at',
  'ends_at',
  'ended_at',
  'state',
  'ended_by',
  'reason',
  'ticket',
  'policy',
  'request',
  'allowed_by',
  'break_glass',
  'incident',
  'review_verdict',
  'reviewer',
  'review_comment',
  'terminal_sessions',
  'recordings',
  'trail_requests',
  'trail_link',
  'standing_kind',
  'standing_principal',
  'standing_detail',
] as const;

/** A finding's line: its resource and the three standing columns, every grant column empty. */
const findingLine = (f: StandingFinding) =>
  CSV_HEADER.map((column) =>
    column === 'resource'
      ? f.resource
      : column === 'standing_kind'
        ? f.kind
        : column === 'standing_principal'
          ? f.principal
          : column === 'standing_detail'
            ? f.detail
            : null,
  );

export function reportCsv(report: AccessReport, standing: readonly StandingFinding[]): string {
  return toCsv(CSV_HEADER, [...report.rows.map(grantLine), ...standing.map(findingLine)]);
}

function grantLine(row: AccessReportRow) {
  const { grant, breakGlass } = row;
  return [
    grant.id,
    grant.userId,
    row.person?.username ?? null,
    grant.resourceId,
    iso(grant.startsAt),
    iso(grant.endsAt),
    iso(row.endedAt),
    stateWord(row),
    grant.revokedBy,
    grant.reason,
    row.ticket,
    row.policyId,
    row.requestId,
    row.allowedBy.join(' '),
    grant.breakGlass === true,
    breakGlass?.incident ?? null,
    breakGlass?.review?.verdict ?? (breakGlass ? 'unreviewed' : null),
    breakGlass?.review?.reviewerId ?? null,
    breakGlass?.review?.comment ?? null,
    row.sessions.map((s) => s.id).join(' '),
    row.sessions
      .filter((s) => s.recorded)
      .map((s) => `/sessions/${s.id}/recording.cast`)
      .join(' '),
    row.trailRequests,
    `/grants/${grant.id}/trail`,
    null,
    null,
    null,
  ];
}
