/**
 * Who may do what. Roles come from groups (config `admins.groups` and `auditors.groups`, and each
 * policy's approval groups) and from the identity's kind (vendor, machine). Every route, page and
 * socket asks here: none checks a group itself. Pure; built once from the config.
 */
import type { PolicyConfig } from '../config/schema.js';
import type { IdentityKind } from '../store/types.js';
import { canApprove } from './approvals.js';
import { inAnyGroup, type Member } from './groups.js';
import { policyById } from './policy.js';
import type { ApproverDecision, Subject } from './types.js';

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

  /** Never one's own request; members of the policy's approval groups, each once, N of M. */
  mayApprove(
    approver: Subject,
    requester: Subject,
    policy: PolicyConfig,
    priorApproverIds: readonly string[],
  ): ApproverDecision {
    return canApprove(approver, requester, policy, priorApproverIds);
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

  mayReadAuditLog(who: Member): boolean {
    return this.isAuditor(who);
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
