/**
 * Who may approve a request, and how many must: never the requester, only members of the
 * policy's approval groups, each approver once (N distinct approvers of M eligible). Pure.
 */
import type { PolicyConfig } from '../config/schema.js';
import { inAnyGroup } from './groups.js';
import { text } from './policy-text.js';
import type { ApproverDecision, Subject } from './types.js';

/** Distinct approvals a request under `policy` needs in all (0 for auto-approve-only policies). */
export const approvalsRequired = (policy: PolicyConfig): number => policy.approval?.count ?? 0;

/** Approvals still missing after `approverIds` have approved. */
export function approvalsRemaining(policy: PolicyConfig, approverIds: readonly string[]): number {
  return Math.max(0, approvalsRequired(policy) - new Set(approverIds).size);
}

/**
 * Whether `approver` may approve `requester`'s request under `policy`, given who approved
 * already. Never the requester (same id, or same email from another identity provider), only
 * members of the approval groups, each approver once, and no more approvals than needed.
 */
export function canApprove(
  approver: Subject,
  requester: Subject,
  policy: PolicyConfig,
  priorApproverIds: readonly string[],
): ApproverDecision {
  const refuse = (reason: string): ApproverDecision => ({ allowed: false, reasons: [reason] });
  if (isSamePerson(approver, requester)) return refuse(text.selfApproval());
  const approval = policy.approval;
  if (!approval) return refuse(text.noApprovers(policy));
  const user = approver.username;
  if (!inAnyGroup(approver, approval.groups)) {
    return refuse(text.notApprover(user, policy, approval.groups));
  }
  const prior = new Set(priorApproverIds);
  if (prior.has(approver.id)) return refuse(text.alreadyApproved(user));
  if (prior.size >= approval.count) return refuse(text.enoughApprovals(approval.count));
  return {
    allowed: true,
    reasons: [text.mayApprove(user, prior.size + 1, approval.count, approval.groups)],
  };
}

function isSamePerson(a: Subject, b: Subject): boolean {
  if (a.id === b.id) return true;
  return a.email !== null && b.email !== null && a.email.toLowerCase() === b.email.toLowerCase();
}
