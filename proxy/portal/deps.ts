/**
 * What the portal pages need from the rest of jitgate. The composition root (server/start.ts)
 * builds one PortalDeps; the pages never construct domain services, and who may see what is the
 * authorization module's answer.
 */
import type { Request } from 'express';
import type { Authorization } from '../access/authorization.js';
import type { AccessReports } from '../access/access-report.js';
import type { StandingScan } from '../credentials/standing-scan.js';
import type { BreakGlassService } from '../access/break-glass-service.js';
import type { GrantEnding } from '../access/grant-ending.js';
import type { GrantService } from '../access/grant-service.js';
import type { RequestQueries } from '../access/request-queries.js';
import type { RequestService } from '../access/request-service.js';
import type { Assurance } from '../access/step-up.js';
import type { PolicyConfig, ResourceConfig } from '../config/schema.js';
import type { FactorKind } from '../identity/mfa/factor-kinds.js';
import type { MfaService } from '../identity/mfa/mfa-service.js';
import type { StepUps } from '../identity/mfa/step-up.js';
import type { RequestRepository } from '../access/request-record.js';
import type { GrantRepository, UserRepository } from '../store/types.js';
import type { TrailRepository } from '../trail/trail-repository.js';
import type { AuditLog } from '../audit/audit-log.js';

export interface PortalDeps {
  /** Create, approve, deny, cancel requests (policy decides inside). */
  requests: RequestService;
  /** Release (holder) and revoke (approver of the grant's policy, or admin). */
  grantEnding: GrantEnding;
  /** "Waiting for me" and "mine". */
  queries: RequestQueries;
  /** A person's own grants, live and ended. */
  grants: Pick<GrantService, 'listForUser'>;
  /** Read-only lookups the pages need beyond the services: names, live grants, decisions. */
  store: {
    users: Pick<UserRepository, 'get' | 'findByName'>;
    grants: Pick<GrantRepository, 'listLive' | 'get'>;
    requests: Pick<RequestRepository, 'list' | 'findByGrant'>;
    /** The web session trail (auditors' pages). */
    trail: TrailRepository;
  };
  /** Where the trail's exports are audited (trail.exported). */
  audit: Pick<AuditLog, 'record'>;
  resources: readonly ResourceConfig[];
  policies: readonly PolicyConfig[];
  /** Who may do what: approvers, admins, auditors (access/authorization.ts). */
  authorization: Authorization;
  /** The browser origin of a web resource (http://payroll.localhost:8080), if it has one. */
  appOrigin(resource: ResourceConfig): string | undefined;
  /** Whether this session has a fresh MFA step-up (identity/mfa/step-up.ts). */
  assurance(req: Request): Assurance;
  /** The Security page: my factors, the kinds I can add, my step-up's freshness. */
  mfa: { service: MfaService; stepUps: StepUps; kinds: readonly FactorKind[] };
  /** Emergency self-grants and their reviews (break-glass-page.ts). */
  breakGlass: BreakGlassService;
  /** Access reviews for auditors (access-report-page.ts). */
  reports: Pick<AccessReports, 'build'>;
  /** Standing privilege found on the targets by the last scan (credentials/standing-scan.ts). */
  standing: Pick<StandingScan, 'findings'>;
  now: () => number;
}

export const resourceName = (deps: PortalDeps, id: string) => {
  const resource = deps.resources.find((r) => r.id === id);
  return resource?.name ?? id;
};
