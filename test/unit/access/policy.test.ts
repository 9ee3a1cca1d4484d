// Policy evaluation tables: subjects, duration caps, reasons and tickets, vendors, auto-approval
// caps, windows, scheduled starts, the best of several policies; and who may approve.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  approvalsRequired,
  canApprove,
  evaluateRequest,
  policiesFor,
  policyById,
} from '../../../proxy/access/policy.js';
import type {
  Person,
  RequestDecision,
  RequestInput,
  Subject,
} from '../../../proxy/access/types.js';
import {
  alice,
  ask,
  bob,
  carol,
  ci,
  dana,
  DAY,
  erin,
  frank,
  HOUR,
  MIN,
  MON_10_BERLIN,
  P,
  policies,
  SAT_10_BERLIN,
  vic,
  type PolicyInput,
} from './policy-fixtures.js';

const NOW = MON_10_BERLIN;
const ticketed = { ...P.staffPayroll, ticketPattern: '^[A-Z]+-\\d+$' };
const lax = { ...P.staffPayroll, requireReason: false };
const machineRun = ask({ resourceId: 'orders-db', durationMs: 10 * MIN, reason: 'migration 42' });
const vendorAuto: PolicyInput = {
  ...P.vendorPayroll,
  recording: 'optional',
  windows: [],
  autoApprove: { maxDuration: '30m' },
};
const byUser = { ...P.staffPayroll, subjects: { users: ['ALICE@example.com', 'corp:dana'] } };
const byClaim = { ...P.staffPayroll, subjects: { claims: { department: ['finance', 'hr'] } } };
const longTicket = `${'A'.repeat(199)}-1`; // 201 characters

/** [name, subject, request, policies, now, expected part of the decision] */
type Row = [string, Subject, RequestInput, PolicyInput[], number, Partial<RequestDecision>];

// prettier-ignore
const rows: Row[] = [
  // Subjects, and requests nobody covers.
  ['staff may ask; one approver needed', alice, ask(), [P.staffPayroll], NOW, { outcome: 'needs_approval', policyId: 'staff-payroll', approvalsRequired: 1, approverGroups: ['approvers'], maxDurationMs: 8 * HOUR, recording: 'optional', windowEndsAt: null, mfa: { request: false, approve: true, terminal: false }, reasons: ['needs 1 approval from approvers (policy staff-payroll)'] }],
  ['no policy covers the resource', alice, ask({ resourceId: 'orders-db' }), [P.staffPayroll], NOW, { outcome: 'denied', policyId: undefined, maxDurationMs: 0, reasons: ['denied: no policy lets alice request orders-db'] }],
  ['not in the group', carol, ask(), [P.staffPayroll], NOW, { outcome: 'denied', reasons: ['denied: no policy lets carol request payroll'] }],
  ['kinds default to person: a machine in the group is out', { ...ci, groups: ['staff'] }, ask(), [P.staffQuick], NOW, { outcome: 'denied', reasons: ['denied: no policy lets ci request payroll'] }],
  ['users: by email, case-insensitively', alice, ask(), [byUser], NOW, { outcome: 'needs_approval' }],
  ['users: by user id', dana, ask(), [byUser], NOW, { outcome: 'needs_approval' }],
  ['users: anyone else is out', bob, ask(), [byUser], NOW, { outcome: 'denied' }],
  ['claims: one of the listed values', dana, ask(), [byClaim], NOW, { outcome: 'needs_approval' }],
  ['claims: missing claim is out', alice, ask(), [byClaim], NOW, { outcome: 'denied' }],
  ['claims: another value is out', { ...dana, claims: { department: 'sales' } }, ask(), [byClaim], NOW, { outcome: 'denied' }],
  // Durations.
  ['9h is over the 8h cap', alice, ask({ durationMs: 9 * HOUR }), [P.staffPayroll], NOW, { outcome: 'denied', maxDurationMs: 8 * HOUR, reasons: ['denied: 9h is longer than the 8h policy staff-payroll allows'] }],
  ['exactly the cap is fine', alice, ask({ durationMs: 8 * HOUR }), [P.staffPayroll], NOW, { outcome: 'needs_approval' }],
  ['zero duration', alice, ask({ durationMs: 0 }), [P.staffPayroll], NOW, { outcome: 'denied', reasons: ['denied: the duration must be a positive whole number of milliseconds'] }],
  ['fractional duration', alice, ask({ durationMs: 1.5 }), [P.staffPayroll], NOW, { outcome: 'denied' }],
  // Reasons and tickets.
  ['reason required', alice, ask({ reason: null }), [P.staffPayroll], NOW, { outcome: 'denied', reasons: ['denied: policy staff-payroll requires a reason'] }],
  ['a blank reason is no reason', alice, ask({ reason: '  \n ' }), [P.staffPayroll], NOW, { outcome: 'denied', reasons: ['denied: policy staff-payroll requires a reason'] }],
  ['reason over 1000 characters', alice, ask({ reason: 'x'.repeat(1001) }), [lax], NOW, { outcome: 'denied', reasons: ['denied: the reason is longer than 1000 characters'] }],
  ['1000 characters (after trimming) is fine', alice, ask({ reason: ` ${'x'.repeat(1000)} ` }), [P.staffPayroll], NOW, { outcome: 'needs_approval' }],
  ['no reason where none is required', alice, ask({ reason: null }), [lax], NOW, { outcome: 'needs_approval' }],
  ['ticket required', alice, ask(), [ticketed], NOW, { outcome: 'denied', reasons: ['denied: policy staff-payroll requires a ticket matching ^[A-Z]+-\\d+$'] }],
  ['ticket that does not match', alice, ask({ ticket: 'fin 12' }), [ticketed], NOW, { outcome: 'denied', reasons: ['denied: the ticket does not match ^[A-Z]+-\\d+$ as policy staff-payroll requires'] }],
  ['ticket that matches, trimmed', alice, ask({ ticket: ' FIN-12 ' }), [ticketed], NOW, { outcome: 'needs_approval' }],
  ['an overlong ticket never matches', alice, ask({ ticket: longTicket }), [ticketed], NOW, { outcome: 'denied' }],
  ['every problem is listed', alice, ask({ durationMs: 9 * HOUR, reason: null }), [ticketed], NOW, { outcome: 'denied', reasons: ['denied: 9h is longer than the 8h policy staff-payroll allows', 'denied: policy staff-payroll requires a reason', 'denied: policy staff-payroll requires a ticket matching ^[A-Z]+-\\d+$'] }],
  // Vendors: windows, approval always, recording always.
  ['vendor inside the window', vic, ask({ durationMs: 2 * HOUR }), [P.vendorPayroll], NOW, { outcome: 'needs_approval', recording: 'required', windowEndsAt: Date.UTC(2024, 0, 15, 18) }],
  ['vendor past the close: capped, not refused', vic, ask({ durationMs: 4 * HOUR }), [P.vendorPayroll], Date.UTC(2024, 0, 15, 16), { outcome: 'needs_approval', windowEndsAt: Date.UTC(2024, 0, 15, 18), reasons: ['needs 1 approval from approvers (policy vendor-payroll)', 'access ends early, when the access window closes'] }],
  ['vendor outside the window', vic, ask(), [P.vendorPayroll], SAT_10_BERLIN, { outcome: 'denied', recording: 'required', reasons: ['denied: vic is a vendor and the window is Mon–Fri 07:00–19:00 Europe/Berlin'] }],
  ['vendor never auto-approved', vic, ask({ durationMs: 10 * MIN }), [vendorAuto], NOW, { outcome: 'needs_approval', recording: 'required', reasons: ['needs 1 approval from approvers (policy vendor-payroll)', 'not auto-approved: vic is a vendor and vendors always need approval', 'sessions are recorded because vic is a vendor'] }],
  ['vendor with an auto-approve-only policy', vic, ask({ durationMs: 10 * MIN }), [{ ...vendorAuto, approval: undefined }], NOW, { outcome: 'denied', reasons: ['denied: policy vendor-payroll approves only automatically, and vic is a vendor and vendors always need approval'] }],
  ['a person outside a window', alice, ask(), [{ ...P.vendorPayroll, subjects: {} }], SAT_10_BERLIN, { outcome: 'denied', recording: 'optional', reasons: ['denied: policy vendor-payroll lets alice start access only Mon–Fri 07:00–19:00 Europe/Berlin'] }],
  // Auto-approval and its caps.
  ['machine, narrow request: auto-approved', ci, machineRun, [P.ciOrders], NOW, { outcome: 'auto_approved', policyId: 'ci-orders', maxDurationMs: 15 * MIN, approvalsRequired: 0, approverGroups: [], reasons: ['auto-approved by policy ci-orders: 10m is within its 15m auto-approve limit'] }],
  ['machine over the auto cap, no approvers', ci, { ...machineRun, durationMs: 45 * MIN }, [P.ciOrders], NOW, { outcome: 'denied', reasons: ['denied: policy ci-orders approves only automatically, and 45m is longer than the 15m auto-approve limit'] }],
  ['machine with the wrong reason', ci, { ...machineRun, reason: 'cleanup' }, [P.ciOrders], NOW, { outcome: 'denied', reasons: ['denied: policy ci-orders approves only automatically, and the reason does not match ^migration'] }],
  ['under the auto cap: auto-approved', alice, ask({ durationMs: 20 * MIN }), [P.staffQuick], NOW, { outcome: 'auto_approved', maxDurationMs: 30 * MIN }],
  ['over the auto cap, under maxDuration: needs approval', alice, ask({ durationMs: HOUR }), [P.staffQuick], NOW, { outcome: 'needs_approval', maxDurationMs: 2 * HOUR, reasons: ['needs 1 approval from approvers (policy staff-quick)', 'not auto-approved: 1h is longer than the 30m auto-approve limit'] }],
  ['auto rule restricted to a group', alice, ask({ durationMs: 20 * MIN }), [{ ...P.staffQuick, autoApprove: { maxDuration: '30m', groups: ['oncall'] } }], NOW, { outcome: 'needs_approval', reasons: ['needs 1 approval from approvers (policy staff-quick)', 'not auto-approved: alice is not in oncall, which auto-approval requires'] }],
  ['auto rule restricted to machines', alice, ask({ durationMs: 20 * MIN }), [{ ...P.staffQuick, autoApprove: { maxDuration: '30m', kinds: ['machine'] } }], NOW, { outcome: 'needs_approval' }],
  ['auto rule wanting a ticket', alice, ask({ durationMs: 20 * MIN, ticket: 'INC-7' }), [{ ...P.staffQuick, autoApprove: { maxDuration: '30m', ticketPattern: '^INC-' } }], NOW, { outcome: 'auto_approved' }],
  // Several policies: the best outcome wins.
  ['fewer approvals beat more', alice, ask(), [P.staffTwo, P.staffPayroll], NOW, { outcome: 'needs_approval', policyId: 'staff-payroll', approvalsRequired: 1 }],
  ['auto-approval beats approval', alice, ask({ durationMs: 20 * MIN }), [P.staffPayroll, P.staffQuick], NOW, { outcome: 'auto_approved', policyId: 'staff-quick' }],
  ['a longer cap rescues a long request', alice, ask({ durationMs: 4 * HOUR }), [P.staffQuick, P.staffTwo], NOW, { outcome: 'needs_approval', policyId: 'staff-two' }],
  ['equal outcomes: the first policy', alice, ask(), [P.staffPayroll, { ...P.staffPayroll, id: 'other' }], NOW, { outcome: 'needs_approval', policyId: 'staff-payroll' }],
  ['all deny: every reason, the longest cap', alice, ask({ durationMs: 9 * HOUR }), [P.staffQuick, P.staffPayroll], NOW, { outcome: 'denied', maxDurationMs: 8 * HOUR, reasons: ['denied: 9h is longer than the 2h policy staff-quick allows', 'denied: 9h is longer than the 8h policy staff-payroll allows'] }],
  // Scheduled starts.
  ['start in the past', alice, ask({ startAt: NOW - 1 }), [P.staffPayroll], NOW, { outcome: 'denied', reasons: ['denied: the scheduled start is in the past'] }],
  ['start more than 30 days ahead', alice, ask({ startAt: NOW + 30 * DAY + 1 }), [P.staffPayroll], NOW, { outcome: 'denied', reasons: ['denied: the scheduled start is more than 30 days ahead'] }],
  ['start exactly now, or 30 days ahead', alice, ask({ startAt: NOW + 30 * DAY }), [P.staffPayroll], NOW, { outcome: 'needs_approval' }],
  ['vendor on Saturday, scheduled for Monday 08:00', vic, ask({ startAt: Date.UTC(2024, 0, 22, 7) }), [P.vendorPayroll], SAT_10_BERLIN, { outcome: 'needs_approval', windowEndsAt: Date.UTC(2024, 0, 22, 18) }],
  ['vendor on Monday, scheduled for Saturday', vic, ask({ startAt: SAT_10_BERLIN }), [P.vendorPayroll], NOW, { outcome: 'denied' }],
];

void describe('evaluateRequest', () => {
  for (const [name, subject, input, list, now, expected] of rows) {
    void test(name, () => {
      const decision = evaluateRequest(subject, input, policies(...list), now);
      const actual = Object.fromEntries(
        Object.keys(expected).map((k) => [k, decision[k as keyof RequestDecision]]),
      );
      assert.deepEqual(actual, expected);
      if (decision.outcome !== 'denied') assert.ok(decision.policyId);
    });
  }
});

/** [name, approver, requester, policy, prior approvers, allowed, reason] */
type ApproverRow = [string, Subject, Subject, PolicyInput, Person[], boolean, string];
const bobElsewhere: Subject = { ...bob, id: 'partners:bob' };

// prettier-ignore
const approverRows: ApproverRow[] = [
  ['an approver approves', bob, alice, P.staffPayroll, [], true, 'bob may approve as a member of approvers (approval 1 of 1)'],
  ['never one\'s own request', bob, bob, P.staffPayroll, [], false, 'a person cannot approve their own request'],
  ['the same email from another IdP is the same person', { ...bob, id: 'partners:bob' }, bob, P.staffPayroll, [], false, 'a person cannot approve their own request'],
  ['not in the approval groups', carol, alice, P.staffPayroll, [], false, 'carol is not in approvers, who approve for policy staff-payroll'],
  ['a policy without approval takes none', bob, ci, P.ciOrders, [], false, 'policy ci-orders takes no approvals'],
  ['2 of 3: the first', bob, alice, P.staffTwo, [], true, 'bob may approve as a member of approvers (approval 1 of 2)'],
  ['2 of 3: the second, someone else', erin, alice, P.staffTwo, [bob], true, 'erin may approve as a member of approvers (approval 2 of 2)'],
  ['2 of 3: not the same approver twice', bob, alice, P.staffTwo, [bob], false, 'bob has already approved this request'],
  ['2 of 3: not the same person again through another IdP', bobElsewhere, alice, P.staffTwo, [bob], false, 'bob has already approved this request'],
  ['2 of 3: the same email in other letters is the same person', { ...erin, email: 'ERIN@example.com' }, alice, P.staffTwo, [erin], false, 'erin has already approved this request'],
  ['2 of 3: the third is not needed', frank, alice, P.staffTwo, [bob, erin], false, 'the request already has the 2 approvals it needs'],
];

void describe('canApprove', () => {
  for (const [name, approver, requester, policy, prior, allowed, reason] of approverRows) {
    void test(name, () => {
      const [parsed] = policies(policy);
      assert.ok(parsed);
      assert.deepEqual(canApprove(approver, requester, parsed, prior), {
        allowed,
        reasons: [reason],
      });
    });
  }
});

void describe('policy helpers', () => {
  const list = policies(P.staffPayroll, P.staffTwo, P.vendorPayroll, P.ciOrders);

  void test('approvals required', () => {
    const [payroll, two, , orders] = list;
    assert.ok(payroll && two && orders);
    assert.equal(approvalsRequired(payroll), 1);
    assert.equal(approvalsRequired(two), 2);
    assert.equal(approvalsRequired(orders), 0);
  });

  void test('policyById and policiesFor', () => {
    assert.equal(policyById(list, 'ci-orders')?.id, 'ci-orders');
    assert.equal(policyById(list, 'nope'), undefined);
    assert.equal(policyById(list, null), undefined);
    assert.deepEqual(
      policiesFor(alice, 'payroll', list).map((p) => p.id),
      ['staff-payroll', 'staff-two'],
    );
    assert.deepEqual(
      policiesFor(vic, 'payroll', list).map((p) => p.id),
      ['vendor-payroll'],
    );
    assert.deepEqual(policiesFor(carol, 'payroll', list), []);
  });
});
