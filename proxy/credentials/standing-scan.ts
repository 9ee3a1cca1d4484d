/**
 * Standing privilege on the targets: for each PostgreSQL resource, the login roles that may
 * connect to its database and that jitgate did not create (not `jg_…`, not jitgate's own admin
 * role); for each SSH resource with an `agentToken`, what its target agent last reported
 * (keys, CAs, principals and sshd settings that admit without jitgate's certificate, kept in the
 * store: ssh-standing.ts). They admit without a grant, so auditors and admins see them as
 * findings, and /metrics counts them, so a team can watch its standing access shrink.
 * Read-only: nothing is changed.
 */
import type { PostgresResourceConfig, SshResourceConfig } from '../config/schema.js';
import { formatDuration } from '../shared/duration.js';
import type { Logger } from '../shared/logger.js';
import type { StandingReportRepository } from '../store/types.js';
import type { AdminPools } from './admin-pools.js';
import { ROLE_PATTERN } from './postgres-sql.js';

export interface StandingFinding {
  resource: string;
  /**
   * `postgres_login_role`, the SSH kinds of ssh-standing.ts (`ssh_authorized_key`, …), or
   * `scan_failed`: the target could not be read (or has not reported); its standing access is
   * unknown.
   */
  kind: string;
  /** The role, or the SSH account, that admits without jitgate (null: the whole target). */
  principal: string | null;
  /** What makes it worse, or why the scan failed: `superuser`, a key's fingerprint, … */
  detail: string;
}

// pg_roles, not pg_authid: readable without superuser. CONNECT is asked of the role itself
// (PUBLIC included), so a role that cannot reach this database is not reported for it.
const STANDING_ROLES = `
  SELECT rolname, rolsuper, rolcreaterole, rolbypassrls
  FROM pg_roles
  WHERE rolcanlogin AND rolname <> current_user
    AND has_database_privilege(oid, current_database(), 'CONNECT')
  ORDER BY rolname`;

export class StandingScan {
  private last: StandingFinding[] = [];

  constructor(
    private readonly deps: {
      resources: readonly PostgresResourceConfig[];
      pools: Pick<AdminPools, 'admin'>;
      /** SSH resources whose target agent reports (those with an agentToken). */
      sshResources: readonly SshResourceConfig[];
      reports: Pick<StandingReportRepository, 'list'>;
      log: Logger;
      now: () => number;
    },
  ) {}

  /** Findings of the last scan (for /metrics). */
  get findings(): readonly StandingFinding[] {
    return this.last;
  }

  /**
   * Reads every PostgreSQL resource now, and the SSH targets' last reports from the store; a
   * target that cannot be read, or has not reported yet, is a finding itself.
   */
  async scan(): Promise<StandingFinding[]> {
    const all: StandingFinding[] = [];
    for (const resource of this.deps.resources) all.push(...(await this.scanOne(resource)));
    all.push(...(await this.reported()));
    this.last = all;
    return all;
  }

  /**
   * What each agent last reported. A report past its resource's `agentReportMaxAge` still shows
   * its findings, and the target is `scan_failed` too: an agent that stopped sends nothing, and
   * its last report, clean or not, must not stand for the host for ever.
   */
  private async reported(): Promise<StandingFinding[]> {
    const reports = await this.deps.reports.list();
    const now = this.deps.now();
    return this.deps.sshResources.flatMap((resource) => {
      const failed = (detail: string): StandingFinding => ({
        resource: resource.id,
        kind: 'scan_failed',
        principal: null,
        detail,
      });
      const report = reports.find((r) => r.resourceId === resource.id);
      if (!report) return [failed('not reported yet')];
      const findings = report.findings.map((f) => ({ resource: resource.id, ...f }));
      if (now - report.reportedAt <= resource.agentReportMaxAge) return findings;
      const when = new Date(report.reportedAt).toISOString();
      const age = formatDuration(resource.agentReportMaxAge);
      return [
        ...findings,
        failed(`last reported ${when}, over ${age} ago: is its target agent running?`),
      ];
    });
  }

  private async scanOne(resource: PostgresResourceConfig): Promise<StandingFinding[]> {
    try {
      const rows = await this.deps.pools.admin(resource).query(STANDING_ROLES);
      return rows
        .filter((row) => !ROLE_PATTERN.test(String(row.rolname)))
        .map((row) => ({
          resource: resource.id,
          kind: 'postgres_login_role' as const,
          principal: String(row.rolname),
          detail: [
            'login role',
            row.rolsuper === true ? 'superuser' : '',
            row.rolcreaterole === true ? 'createrole' : '',
            row.rolbypassrls === true ? 'bypassrls' : '',
          ]
            .filter(Boolean)
            .join(', '),
        }));
    } catch (error) {
      this.deps.log.error('standing privilege scan failed', { resource: resource.id, error });
      return [
        { resource: resource.id, kind: 'scan_failed', principal: null, detail: 'not readable' },
      ];
    }
  }
}
