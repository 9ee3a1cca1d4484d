/**
 * Who may do what. Roles come from groups (config `admins.groups` and `auditors.groups`, and each
 * policy's approval groups) and from the identity's kind (vendor, machine). Every route, page and
 * socket asks here: none checks a group itself. Pure; built once from the config.
 */
import type { PolicyConfig } from '../config/schema.js';
import type { IdentityKind } from '../store/types.js';
import { canApprove } from './approvals.js';
import { breakGlassPoliciesFor, type BreakGlassPolicy } from './break-glass.js';
import { inAnyGroup, type Member } from './groups.js';
import { policyById } from './policy.js';
import type { ApproverDecision, Person, Subject } from './types.js';

export type Role = 'admin' | 'auditor' | 'approver' | 'vendor' | 'machine';

/** Who oversees terminal sessions, and in which capacity (said in messages and records). */
export type OversightRole = 'auditor' | 'admin';

export interface AuthorizationConfig {
  /** Config `admins.groups`: may revoke any grant, oversee terminal sessions. */
  adminGroups: readonly string[];
  /** Config `auditors.groups`: read the audit log, trails, sessions and recordings. */
  auditorGroups: readonly string[];
  policies: readonly PolicyConfig[];
}

export class Authorization {
  constructor(private readonly config: AuthorizationConfig) {}

  isAdmin(who: Member): boolean {
    return inAnyGroup(who, this.config.adminGroups);
  }

  isAuditor(who: Member): boolean {
    return inAnyGroup(who, this.config.auditorGroups);
  }

  /** Policies `who` approves for (a member of their approval groups). */
  approverPolicies(who: Member): PolicyConfig[] {
    return this.config.policies.filter((policy) => this.isApproverOf(who, policy));
  }

  isApproverOf(who: Member, policy: PolicyConfig | undefined): boolean {
    return inAnyGroup(who, policy?.approval?.groups ?? []);
  }

  rolesOf(who: Member & { kind: IdentityKind }): Set<Role> {
    const roles = new Set<Role>();
    if (this.isAdmin(who)) roles.add('admin');
    if (this.isAuditor(who)) roles.add('auditor');
    if (this.approverPolicies(who).length > 0) roles.add('approver');
    if (who.kind === 'vendor') roles.add('vendor');
    if (who.kind === 'machine') roles.add('machine');
    return roles;
  }

  /** The approvals queue is for approvers; admins see it too, for the grants they may revoke. */
  maySeeApprovals(who: Member): boolean {
    return this.isAdmin(who) || this.approverPolicies(who).length > 0;
  }

  /** Resources whose requests and grants `who` decides or revokes (every one, for admins). */
  overseenResources(who: Member, resourceIds: readonly string[]): Set<string> {
    if (this.isAdmin(who)) return new Set(resourceIds);
    const covered = new Set(this.approverPolicies(who).flatMap((policy) => policy.resources));
    return new Set(resourceIds.filter((id) => covered.has(id)));
  }

  /** Never one's own request; members of the policy's approval groups, each person once, N of M. */
  mayApprove(
    approver: Subject,
    requester: Subject,
    policy: PolicyConfig,
    priorApprovers: readonly Person[],
  ): ApproverDecision {
    return canApprove(approver, requester, policy, priorApprovers);
  }

  /**
   * Who hears of `requester`'s requests under policy `policyId`: whoever may decide one, asked
   * without the approvals already given (so they also hear of it leaving their queue).
   */
  mayDecide(who: Subject, requester: Subject, policyId: string | null): boolean {
    const policy = policyById(this.config.policies, policyId);
    return policy !== undefined && this.mayApprove(who, requester, policy, []).allowed;
  }

  /**
   * Ending someone else's grant: an approver of the policy it was granted under, or an admin.
   * A grant an admin made directly has no policy: only admins end it.
   */
  mayRevoke(actor: Member, grantPolicy: PolicyConfig | undefined): boolean {
    return this.isAdmin(actor) || this.isApproverOf(actor, grantPolicy);
  }

  /** Ending every sign-in of a person (theirs or anyone's) is an admin's. */
  mayEndSessionsOf(who: Member): boolean {
    return this.isAdmin(who);
  }

  /**
   * Policies that let `who` grant themselves emergency access to `resourceId`, in config order:
   * those whose `breakGlass` names them (and their kind: never vendors or machines unless listed).
   */
  breakGlassPolicies(who: Subject, resourceId: string): BreakGlassPolicy[] {
    return breakGlassPoliciesFor(who, resourceId, this.config.policies);
  }

  mayBreakGlass(who: Subject, resourceId: string): boolean {
    return this.breakGlassPolicies(who, resourceId).length > 0;
  }

  /**
   * Reviewing `person`'s break-glass grant made under `policyId`: an approver of that policy,
   * never the person (the approval rules decide both, and say why not).
   */
  reviewBreakGlass(reviewer: Subject, person: Subject, policyId: string): ApproverDecision {
    const policy = policyById(this.config.policies, policyId);
    if (!policy) return { allowed: false, reasons: [`policy ${policyId} no longer exists`] };
    return this.mayApprove(reviewer, person, policy, []);
  }

  mayReviewBreakGlass(reviewer: Subject, person: Subject, policyId: string): boolean {
    return this.reviewBreakGlass(reviewer, person, policyId).allowed;
  }

  mayReadAuditLog(who: Member): boolean {
    return this.isAuditor(who);
  }

  /** Access reviews (every grant of a period, with what was done under it) are auditors'. */
  mayReadAccessReports(who: Member): boolean {
    return this.isAuditor(who);
  }

  /** Standing privilege found on the targets: for auditors, and admins who can remove it. */
  mayReadStandingPrivileges(who: Member): boolean {
    return this.isAuditor(who) || this.isAdmin(who);
  }

  mayReadTrails(who: Member): boolean {
    return this.isAuditor(who);
  }

  /**
   * Terminal sessions (list, recordings, watching live, terminating) are for auditors and
   * admins; the role that applies, auditor first, or undefined.
   */
  oversightRole(who: Member): OversightRole | undefined {
    if (this.isAuditor(who)) return 'auditor';
    if (this.isAdmin(who)) return 'admin';
    return undefined;
  }

  mayReadRecordings(who: Member): boolean {
    return this.oversightRole(who) !== undefined;
  }

  mayWatchTerminal(who: Member): boolean {
    return this.oversightRole(who) !== undefined;
  }

  mayTerminateTerminal(who: Member): boolean {
    return this.oversightRole(who) !== undefined;
  }
}
