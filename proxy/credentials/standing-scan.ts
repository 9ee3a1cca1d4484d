/**
 * Standing privilege on the targets: for each PostgreSQL resource, the login roles that may
 * connect to its database and that jitgate did not create (not `jg_…`, not jitgate's own admin
 * role). They admit without a grant, so auditors and admins see them as findings, and /metrics
 * counts them, so a team can watch its standing access shrink. Read-only: nothing is changed.
 */
import type { PostgresResourceConfig } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { AdminPools } from './admin-pools.js';
import { ROLE_PATTERN } from './postgres-sql.js';

export interface StandingFinding {
  resource: string;
  /** `scan_failed`: the target could not be read; its standing access is unknown. */
  kind: 'postgres_login_role' | 'scan_failed';
  /** The role (or, later, the SSH principal or key) that admits without jitgate. */
  principal: string | null;
  /** What makes it worse, or why the scan failed: `superuser`, `createrole`, `bypassrls`. */
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
      log: Logger;
    },
  ) {}

  /** Findings of the last scan (for /metrics). */
  get findings(): readonly StandingFinding[] {
    return this.last;
  }

  /** Reads every PostgreSQL resource now; one that cannot be read is a finding itself. */
  async scan(): Promise<StandingFinding[]> {
    const all: StandingFinding[] = [];
    for (const resource of this.deps.resources) all.push(...(await this.scanOne(resource)));
    this.last = all;
    return all;
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
