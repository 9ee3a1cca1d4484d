/**
 * The request state machine, pure: pending → approved | denied | expired | cancelled. Every
 * transition checks the current state and returns a new record; nothing here touches storage.
 * The grant clock starts at approval (or at the scheduled start), never at request time.
 */
import { JitgateError } from '../shared/errors.js';
import type { AccessRequest } from './request-record.js';
import type { Approval } from './types.js';

/**
 * A request that can still be decided. Expired is one answer whether or not the expiry sweep
 * (which runs on its own clock) has written it down yet.
 */
export function assertPending(request: AccessRequest, now: number): void {
  const expired =
    request.state === 'expired' || (request.state === 'pending' && now >= request.expiresAt);
  if (expired) {
    throw new JitgateError(409, 'request_expired', 'this request expired before it was answered');
  }
  if (request.state !== 'pending') {
    throw new JitgateError(409, 'request_not_pending', `this request is already ${request.state}`);
  }
}

/** Adds one approval; the request is approved once enough distinct approvers said yes. */
export function recordApproval(
  request: AccessRequest,
  approval: Approval,
  now: number,
): { request: AccessRequest; complete: boolean } {
  assertPending(request, now);
  const approvals = [...request.approvals, approval];
  const yes = approvals.filter((a) => a.decision === 'approve').length;
  const complete = yes >= request.approvalsRequired;
  return {
    complete,
    request: complete
      ? {
          ...request,
          approvals,
          state: 'approved',
          decidedAt: now,
          decidedBy: approval.approverId,
          comment: approval.comment,
        }
      : { ...request, approvals },
  };
}

export function deny(request: AccessRequest, approval: Approval, now: number): AccessRequest {
  assertPending(request, now);
  return {
    ...request,
    approvals: [...request.approvals, approval],
    state: 'denied',
    decidedAt: now,
    decidedBy: approval.approverId,
    comment: approval.comment,
  };
}

export function cancel(request: AccessRequest, by: string, now: number): AccessRequest {
  assertPending(request, now);
  return { ...request, state: 'cancelled', decidedAt: now, decidedBy: by };
}

export function expire(request: AccessRequest, now: number): AccessRequest {
  if (request.state !== 'pending' || now < request.expiresAt) {
    throw new JitgateError(409, 'request_not_overdue', 'only an overdue pending request expires');
  }
  return { ...request, state: 'expired', decidedAt: now, decidedBy: 'system' };
}

/**
 * When the grant of an approved request runs: from approval (or the scheduled start, if later)
 * for the shortest duration any approver set, never past the access window's end.
 */
export function grantPeriod(
  request: AccessRequest,
  approvedAt: number,
  windowEndsAt: number | null,
): { startsAt: number; endsAt: number } {
  const startsAt = Math.max(approvedAt, request.startAt ?? approvedAt);
  const shortened = request.approvals
    .map((a) => a.durationMs)
    .filter((d): d is number => d !== null && d > 0);
  const durationMs = Math.min(request.durationMs, ...shortened);
  const endsAt = Math.min(startsAt + durationMs, windowEndsAt ?? Number.POSITIVE_INFINITY);
  return { startsAt, endsAt };
}
