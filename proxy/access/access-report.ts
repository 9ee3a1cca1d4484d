/**
 * The access review for auditors: every grant that was open during a period, of one resource or
 * one person (or both), with who held it, when and for how long, why, under which policy, who
 * allowed it (approvers, the policy itself, an admin, or the person breaking the glass), and
 * what was done under it (terminal sessions and their recordings, the web trail). Read from the
 * store only, so every replica answers the same; the API, the portal and the CLI shape it.
 */
import type { Store, GrantRecord, UserRecord } from '../store/types.js';
import { grantState, type GrantState } from './access-state.js';
import type { BreakGlassRecord } from './break-glass-record.js';

/** A review covers at most this many grants; the answer says when it was cut short. */
export const MAX_REPORT_GRANTS = 2000;
/** Sessions looked up per grant (more are counted as "at least"). */
const MAX_SESSIONS_PER_GRANT = 100;

export interface AccessReportQuery {
  from: number;
  to: number;
  resourceId?: string;
  userId?: string;
}

export interface ReportSession {
  id: string;
  login: string;
  startedAt: number;
  /** Whether a sealed recording can be read. */
  recorded: boolean;
}

export interface AccessReportRow {
  grant: GrantRecord;
  person: UserRecord | undefined;
  state: GrantState;
  /** When it stopped being usable (expiry, release, revoke); null while open. */
  endedAt: number | null;
  /** The policy it was granted under (request or break-glass); null for an admin's grant. */
  policyId: string | null;
  requestId: string | null;
  ticket: string | null;
  /** Who allowed it: approver ids, "policy" (auto-approved), "admin-cli", or the person. */
  allowedBy: string[];
  breakGlass: BreakGlassRecord | null;
  sessions: ReportSession[];
  /** Web trail rows (requests through the gateway) under the grant. */
  trailRequests: number;
}

export interface AccessReport {
  query: AccessReportQuery;
  rows: AccessReportRow[];
  /** More grants matched than MAX_REPORT_GRANTS: narrow the period or the subject. */
  truncated: boolean;
}

const endOf = (grant: GrantRecord): number =>
  grant.revokedAt !== null ? Math.min(grant.revokedAt, grant.endsAt) : grant.endsAt;

export class AccessReports {
  constructor(
    private readonly deps: {
      store: Pick<
        Store,
        'grants' | 'users' | 'requests' | 'breakGlass' | 'terminalSessions' | 'trail'
      >;
      now: () => number;
    },
  ) {}

  async build(query: AccessReportQuery): Promise<AccessReport> {
    const grants = await this.deps.store.grants.listInPeriod({
      ...query,
      limit: MAX_REPORT_GRANTS + 1,
    });
    const truncated = grants.length > MAX_REPORT_GRANTS;
    const people = new Map<string, UserRecord | undefined>();
    const rows: AccessReportRow[] = [];
    for (const grant of grants.slice(0, MAX_REPORT_GRANTS)) {
      if (!people.has(grant.userId))
        people.set(grant.userId, await this.deps.store.users.get(grant.userId));
      rows.push(await this.row(grant, people.get(grant.userId)));
    }
    return { query, rows, truncated };
  }

  private async row(grant: GrantRecord, person: UserRecord | undefined): Promise<AccessReportRow> {
    const { store } = this.deps;
    const now = this.deps.now();
    const request = await store.requests.findByGrant(grant.id);
    const breakGlass = grant.breakGlass ? ((await store.breakGlass.get(grant.id)) ?? null) : null;
    const end = endOf(grant);
    const sessions = await store.terminalSessions.list({
      userIds: [grant.userId],
      resourceId: grant.resourceId,
      from: grant.startsAt,
      to: end,
      limit: MAX_SESSIONS_PER_GRANT,
    });
    const approvers = request?.approvals
      .filter((a) => a.decision === 'approve')
      .map((a) => a.approverId);
    const state = grantState(grant, now);
    return {
      grant,
      person,
      state,
      endedAt: state.state === 'ended' ? end : null,
      policyId: breakGlass?.policyId ?? request?.policyId ?? null,
      requestId: request?.id ?? null,
      ticket: request?.ticket ?? null,
      allowedBy: approvers && approvers.length > 0 ? approvers : [grant.createdBy],
      breakGlass,
      sessions: sessions
        .filter((s) => s.grantId === grant.id)
        .map((s) => ({
          id: s.id,
          login: s.login,
          startedAt: s.startedAt,
          recorded: s.recordingState === 'complete' || s.recordingState === 'recovered',
        }))
        .reverse(),
      trailRequests: await store.trail.count({ grantId: grant.id }),
    };
  }
}
