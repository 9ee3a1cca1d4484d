/**
 * Policy evaluation: may this subject have this resource for this long, starting then, and who
 * must say yes? Pure: the caller passes the policies and the time, so the request service can ask
 * again at approval time (windows and caps apply to when access really starts).
 */
import type { PolicyConfig } from '../config/schema.js';
import {
  autoApproval,
  cleanReason,
  cleanTicket,
  MAX_REASON_CHARS,
  subjectMatches,
  ticketMatches,
} from './policy-match.js';
import { text } from './policy-text.js';
import type { RequestDecision, RequestInput, Subject } from './types.js';
import { isInsideWindows, windowEndsAt } from './windows.js';

// The approval rules live in approvals.ts; callers reach all of policy through this module.
export { approvalsRequired, canApprove } from './approvals.js';

/** How far ahead a start may be scheduled; further out, policy and people may have changed. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 86_400_000;

const RANK = { denied: 0, needs_approval: 1, auto_approved: 2 } as const;

/** What one policy says: a decision it allows, or why it refuses. */
type Verdict = RequestDecision | { denied: string[] };

export function policyById(
  policies: readonly PolicyConfig[],
  id: string | null | undefined,
): PolicyConfig | undefined {
  return policies.find((policy) => policy.id === id);
}

/** Policies under which `subject` may ask for `resourceId` at all (for "may request" lists). */
export function policiesFor(
  subject: Subject,
  resourceId: string,
  policies: readonly PolicyConfig[],
): PolicyConfig[] {
  return policies.filter((p) => p.resources.includes(resourceId) && subjectMatches(subject, p));
}

/**
 * Decides a request against every policy covering its resource and keeps the best outcome
 * (auto_approved > needs_approval > denied; then fewer approvals; then config order). A denial
 * carries the reasons of every policy that applied to the subject.
 */
export function evaluateRequest(
  subject: Subject,
  input: RequestInput,
  policies: readonly PolicyConfig[],
  now: number,
): RequestDecision {
  const applicable = policiesFor(subject, input.resourceId, policies);
  const invalid = inputProblem(input, now);
  if (invalid !== undefined) return denial(subject, applicable, [invalid]);
  if (applicable.length === 0) {
    return denial(subject, [], [text.noPolicy(subject.username, input.resourceId)]);
  }
  const start = input.startAt ?? now;
  const verdicts = applicable.map((policy) => evaluatePolicy(subject, input, policy, start));
  let best: RequestDecision | undefined;
  for (const verdict of verdicts) {
    if ('denied' in verdict) continue;
    const better =
      !best ||
      RANK[verdict.outcome] > RANK[best.outcome] ||
      (verdict.outcome === best.outcome && verdict.approvalsRequired < best.approvalsRequired);
    if (better) best = verdict;
  }
  if (best) return best;
  const reasons = verdicts.flatMap((verdict) => ('denied' in verdict ? verdict.denied : []));
  return denial(subject, applicable, [...new Set(reasons)]);
}

/** Problems with the request itself, whatever the policy. */
function inputProblem(input: RequestInput, now: number): string | undefined {
  if (!Number.isSafeInteger(input.durationMs) || input.durationMs <= 0) return text.badDuration();
  if (input.startAt === null) return undefined;
  if (input.startAt < now) return text.startInPast();
  if (input.startAt > now + MAX_SCHEDULE_AHEAD_MS)
    return text.startTooFar(MAX_SCHEDULE_AHEAD_MS / 86_400_000);
  return undefined;
}

function evaluatePolicy(
  subject: Subject,
  input: RequestInput,
  policy: PolicyConfig,
  start: number,
): Verdict {
  const problems = requestProblems(subject, input, policy, start);
  if (problems.length > 0) return { denied: problems };
  const vendor = subject.kind === 'vendor';
  const base = {
    policyId: policy.id,
    mfa: { ...policy.mfa },
    // Vendors are always recorded, whatever the policy says (design: "always recorded").
    recording: vendor ? ('required' as const) : policy.recording,
    windowEndsAt: policy.windows.length > 0 ? windowEndsAt(policy.windows, start) : null,
  };
  const notes: string[] = [];
  if (vendor && policy.recording !== 'required') notes.push(text.vendorRecorded(subject.username));
  // Not a refusal: the grant is simply cut at the close, and the requester should know.
  if (base.windowEndsAt !== null && start + input.durationMs > base.windowEndsAt) {
    notes.push(text.windowCuts());
  }
  const auto = autoApproval(subject, input, policy);
  if (auto?.capMs !== undefined) {
    return {
      ...base,
      outcome: 'auto_approved',
      reasons: [text.autoApproved(input.durationMs, policy, auto.capMs), ...notes],
      maxDurationMs: auto.capMs,
      approvalsRequired: 0,
      approverGroups: [],
    };
  }
  if (!policy.approval) {
    return { denied: [text.autoOnly(policy, auto?.why ?? 'nobody may approve it')] };
  }
  const { count, groups } = policy.approval;
  return {
    ...base,
    outcome: 'needs_approval',
    reasons: [
      text.needsApproval(policy, count, groups),
      ...(auto?.why !== undefined ? [text.notAuto(auto.why)] : []),
      ...notes,
    ],
    maxDurationMs: policy.maxDuration,
    approvalsRequired: count,
    approverGroups: [...groups],
  };
}

/** Why `policy` refuses the request outright; empty when it does not. */
function requestProblems(
  subject: Subject,
  input: RequestInput,
  policy: PolicyConfig,
  start: number,
): string[] {
  const problems: string[] = [];
  if (input.durationMs > policy.maxDuration) problems.push(text.tooLong(input.durationMs, policy));
  const reason = cleanReason(input.reason);
  if (reason !== null && reason.length > MAX_REASON_CHARS) {
    problems.push(text.reasonTooLong(MAX_REASON_CHARS));
  } else if (policy.requireReason && reason === null) problems.push(text.reasonMissing(policy));
  const pattern = policy.ticketPattern;
  if (pattern !== undefined) {
    const ticket = cleanTicket(input.ticket);
    if (ticket === null) problems.push(text.ticketMissing(policy, pattern));
    else if (!ticketMatches(pattern, ticket)) problems.push(text.ticketMismatch(policy, pattern));
  }
  if (!isInsideWindows(policy.windows, start)) {
    problems.push(
      subject.kind === 'vendor'
        ? text.vendorWindow(subject.username, policy.windows)
        : text.outsideWindow(subject.username, policy),
    );
  }
  return problems;
}

/** A refusal; `maxDurationMs` still tells a form the longest any applicable policy allows. */
function denial(subject: Subject, applicable: readonly PolicyConfig[], reasons: string[]) {
  const decision: RequestDecision = {
    outcome: 'denied',
    reasons,
    maxDurationMs: Math.max(0, ...applicable.map((policy) => policy.maxDuration)),
    approvalsRequired: 0,
    approverGroups: [],
    mfa: { request: false, approve: false, terminal: false },
    recording: subject.kind === 'vendor' ? 'required' : 'optional',
    windowEndsAt: null,
  };
  return decision;
}
