/**
 * Who may approve a request, and how many must: never the requester, only members of the
 * policy's approval groups, each person once (N distinct people of M eligible). Pure.
 */
import type { PolicyConfig } from '../config/schema.js';
import { inAnyGroup } from './groups.js';
import { text } from './policy-text.js';
import type { ApproverDecision, Person, Subject } from './types.js';

/** Distinct approvals a request under `policy` needs in all (0 for auto-approve-only policies). */
export const approvalsRequired = (policy: PolicyConfig): number => policy.approval?.count ?? 0;

/**
 * Whether `approver` may approve `requester`'s request under `policy`, given who approved
 * already. Never the requester, only members of the approval groups, each person once, and no
 * more approvals than needed. A person is the same through any identity provider (isSamePerson),
 * so one approver signed in twice never meets a two-person rule alone.
 */
export function canApprove(
  approver: Subject,
  requester: Subject,
  policy: PolicyConfig,
  priorApprovers: readonly Person[],
): ApproverDecision {
  const refuse = (reason: string): ApproverDecision => ({ allowed: false, reasons: [reason] });
  if (isSamePerson(approver, requester)) return refuse(text.selfApproval());
  const approval = policy.approval;
  if (!approval) return refuse(text.noApprovers(policy));
  const user = approver.username;
  if (!inAnyGroup(approver, approval.groups)) {
    return refuse(text.notApprover(user, policy, approval.groups));
  }
  if (priorApprovers.some((prior) => isSamePerson(approver, prior))) {
    return refuse(text.alreadyApproved(user));
  }
  const given = distinctPeople(priorApprovers);
  if (given >= approval.count) return refuse(text.enoughApprovals(approval.count));
  return {
    allowed: true,
    reasons: [text.mayApprove(user, given + 1, approval.count, approval.groups)],
  };
}

function distinctPeople(people: readonly Person[]): number {
  return people.filter((person, i) => !people.slice(0, i).some((p) => isSamePerson(p, person)))
    .length;
}

function isSamePerson(a: Person, b: Person): boolean {
  if (a.id === b.id) return true;
  return a.email !== null && b.email !== null && a.email.toLowerCase() === b.email.toLowerCase();
}
