/**
 * The request state machine: only pending requests move; N-of-M approvals complete at the Nth
 * distinct yes; the grant clock starts at approval or the scheduled start, takes the shortest
 * approver duration, and never outlasts the access window.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertPending,
  cancel,
  deny,
  expire,
  grantPeriod,
  recordApproval,
} from '../../../proxy/access/lifecycle.js';
import type { AccessRequest } from '../../../proxy/access/request-record.js';
import type { Approval } from '../../../proxy/access/types.js';
import { JitgateError } from '../../../proxy/shared/errors.js';

const T0 = 1_800_000_000_000;
const MIN = 60_000;

function pending(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'req_1',
    userId: 'demo:alice',
    resourceId: 'payroll',
    durationMs: 30 * MIN,
    reason: 'close the books',
    ticket: null,
    startAt: null,
    state: 'pending',
    policyId: 'staff-payroll',
    approvalsRequired: 1,
    policyReasons: [],
    createdAt: T0,
    expiresAt: T0 + 60 * MIN,
    decidedAt: null,
    decidedBy: null,
    comment: null,
    grantId: null,
    approvals: [],
    ...overrides,
  };
}

const yes = (approverId: string, at: number, durationMs: number | null = null): Approval => ({
  approverId,
  decision: 'approve',
  comment: null,
  at,
  durationMs,
});

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof JitgateError ? error.code : 'not a JitgateError';
  }
  return 'no error';
};

void describe('request lifecycle', () => {
  void it('approves a 1-of-1 request at the first yes', () => {
    const step = recordApproval(pending(), yes('demo:bob', T0 + MIN), T0 + MIN);
    assert.equal(step.complete, true);
    assert.equal(step.request.state, 'approved');
    assert.equal(step.request.decidedBy, 'demo:bob');
    assert.equal(step.request.decidedAt, T0 + MIN);
  });

  void it('needs N distinct yeses for N-of-M', () => {
    const first = recordApproval(pending({ approvalsRequired: 2 }), yes('demo:bob', T0), T0);
    assert.equal(first.complete, false);
    assert.equal(first.request.state, 'pending');
    const second = recordApproval(first.request, yes('demo:dave', T0 + 1), T0 + 1);
    assert.equal(second.complete, true);
    assert.equal(second.request.state, 'approved');
    assert.equal(second.request.approvals.length, 2);
  });

  void it('moves only pending requests', () => {
    const approved = recordApproval(pending(), yes('demo:bob', T0), T0).request;
    assert.equal(
      code(() => recordApproval(approved, yes('demo:dave', T0), T0)),
      'request_not_pending',
    );
    assert.equal(
      code(() => deny(approved, yes('demo:dave', T0), T0)),
      'request_not_pending',
    );
    assert.equal(
      code(() => cancel(approved, 'demo:alice', T0)),
      'request_not_pending',
    );
    const denied = deny(pending(), { ...yes('demo:bob', T0), decision: 'deny', comment: 'no' }, T0);
    assert.equal(denied.state, 'denied');
    assert.equal(denied.comment, 'no');
    assert.equal(
      code(() => recordApproval(denied, yes('demo:bob', T0), T0)),
      'request_not_pending',
    );
  });

  void it('refuses to decide a request past its deadline, and expires it then', () => {
    const request = pending();
    assert.equal(
      code(() => assertPending(request, request.expiresAt - 1)),
      'no error',
    );
    assert.equal(
      code(() => assertPending(request, request.expiresAt)),
      'request_expired',
    );
    assert.equal(
      code(() => recordApproval(request, yes('demo:bob', request.expiresAt), request.expiresAt)),
      'request_expired',
    );
    assert.equal(
      code(() => expire(request, request.expiresAt - 1)),
      'request_not_overdue',
    );
    const expired = expire(request, request.expiresAt);
    assert.equal(expired.state, 'expired');
    assert.equal(expired.decidedBy, 'system');
  });

  void it('says expired alike before and after the expiry sweep wrote it down', () => {
    // The sweep runs on its own clock: whether it came first must not change the answer.
    const expired = expire(pending(), pending().expiresAt);
    const later = expired.expiresAt + 1;
    assert.equal(
      code(() => recordApproval(expired, yes('demo:bob', later), later)),
      'request_expired',
    );
    assert.equal(
      code(() => deny(expired, { ...yes('demo:bob', later), decision: 'deny' }, later)),
      'request_expired',
    );
    assert.equal(
      code(() => cancel(expired, 'demo:alice', later)),
      'request_expired',
    );
  });

  void it('lets the requester cancel while pending', () => {
    const cancelled = cancel(pending(), 'demo:alice', T0 + MIN);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.decidedBy, 'demo:alice');
  });

  void it('starts the grant clock at approval, not at request', () => {
    const approvedAt = T0 + 20 * MIN;
    assert.deepEqual(grantPeriod(pending(), approvedAt, null), {
      startsAt: approvedAt,
      endsAt: approvedAt + 30 * MIN,
    });
  });

  void it('starts at a scheduled start that is later than the approval', () => {
    const startAt = T0 + 3 * 60 * MIN;
    assert.deepEqual(grantPeriod(pending({ startAt }), T0 + MIN, null), {
      startsAt: startAt,
      endsAt: startAt + 30 * MIN,
    });
  });

  void it('takes the shortest duration any approver set', () => {
    const request = pending({
      approvals: [yes('demo:bob', T0, 20 * MIN), yes('demo:dave', T0, 10 * MIN)],
    });
    assert.equal(grantPeriod(request, T0, null).endsAt, T0 + 10 * MIN);
  });

  void it('never outlasts the access window', () => {
    assert.equal(grantPeriod(pending(), T0, T0 + 5 * MIN).endsAt, T0 + 5 * MIN);
  });
});
