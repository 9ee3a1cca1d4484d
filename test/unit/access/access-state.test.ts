// Where things stand, decided once: a grant's state, a request's state, a person's standing with
// a resource, and what they may request now (access windows, tickets, the longest duration).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  grantState,
  grantStateName,
  requestOptions,
  requestState,
  standing,
} from '../../../proxy/access/access-state.js';
import { isLive } from '../../../proxy/access/grant-book.js';
import type { AccessRequest } from '../../../proxy/access/request-record.js';
import type { GrantRecord } from '../../../proxy/store/types.js';
import {
  alice,
  ci,
  HOUR,
  MIN,
  MON_10_BERLIN,
  P,
  policies,
  SAT_10_BERLIN,
  vic,
} from './policy-fixtures.js';

const T0 = MON_10_BERLIN;

const grant = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  id: 'grt_one',
  userId: alice.id,
  resourceId: 'payroll',
  startsAt: T0,
  endsAt: T0 + HOUR,
  reason: null,
  createdBy: 'corp:bob',
  createdAt: T0,
  revokedAt: null,
  revokedBy: null,
  ...overrides,
});

const request = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  id: 'req_one',
  userId: alice.id,
  resourceId: 'payroll',
  durationMs: 30 * MIN,
  reason: 'month end',
  ticket: null,
  startAt: null,
  state: 'pending',
  policyId: 'staff-payroll',
  approvalsRequired: 1,
  policyReasons: [],
  createdAt: T0,
  expiresAt: T0 + HOUR,
  decidedAt: null,
  decidedBy: null,
  comment: null,
  grantId: null,
  approvals: [],
  ...overrides,
});

void describe('a grant’s state', () => {
  const revokedBy = (by: string) => grant({ revokedAt: T0 + MIN, revokedBy: by });
  const cases: [string, GrantRecord, number, ReturnType<typeof grantState>, string][] = [
    ['scheduled', grant({ startsAt: T0 + MIN }), T0, { state: 'scheduled' }, 'scheduled'],
    ['active at its start', grant(), T0, { state: 'active' }, 'active'],
    ['expired at its end', grant(), T0 + HOUR, { state: 'ended', end: 'expired' }, 'expired'],
    ['released by its holder', revokedBy(alice.id), T0 + 2 * MIN, ended('released'), 'released'],
    ['revoked by someone else', revokedBy('corp:bob'), T0 + 2 * MIN, ended('revoked'), 'revoked'],
    ['revoked by the admin CLI', revokedBy('admin-cli'), T0, ended('revoked'), 'revoked'],
    [
      'revoked before it started',
      grant({ startsAt: T0 + HOUR, endsAt: T0 + 2 * HOUR, revokedAt: T0, revokedBy: 'corp:bob' }),
      T0,
      ended('revoked'),
      'revoked',
    ],
  ];
  function ended(end: 'released' | 'revoked') {
    return { state: 'ended' as const, end };
  }
  for (const [label, record, now, state, name] of cases)
    test(label, () => {
      assert.deepEqual(grantState(record, now), state);
      assert.equal(grantStateName(record, now), name);
      assert.equal(
        grantState(record, now).state === 'active',
        isLive(record, now),
        'active = live',
      );
    });
});

void describe('a request’s state', () => {
  test('a pending request reads expired at its deadline, before the sweep writes it', () => {
    assert.equal(requestState(request(), T0 + HOUR - 1), 'pending');
    assert.equal(requestState(request(), T0 + HOUR), 'expired');
  });
  test('a decided request keeps its state past the deadline', () => {
    assert.equal(requestState(request({ state: 'denied' }), T0 + 2 * HOUR), 'denied');
  });
});

void describe('standing with a resource', () => {
  const now = T0 + 10 * MIN;
  test('live access first, the grant that lasts longest', () => {
    const short = grant({ id: 'grt_short' });
    const long = grant({ id: 'grt_long', endsAt: T0 + 2 * HOUR });
    assert.deepEqual(standing('payroll', [request()], [short, long], now), {
      state: 'active',
      grant: long,
    });
  });
  test('then a request waiting for an answer, before a scheduled grant', () => {
    const scheduled = grant({ startsAt: T0 + HOUR, endsAt: T0 + 2 * HOUR });
    const waiting = request();
    assert.deepEqual(standing('payroll', [waiting], [scheduled], now), {
      state: 'pending',
      request: waiting,
    });
    assert.deepEqual(standing('payroll', [], [scheduled], now), {
      state: 'scheduled',
      grant: scheduled,
    });
  });
  test('then what happened last: a denial after the last grant, or how access ended', () => {
    const old = grant({ endsAt: T0 + 5 * MIN });
    const denied = request({ state: 'denied', createdAt: T0 + MIN });
    assert.deepEqual(standing('payroll', [denied], [old], now), {
      state: 'denied',
      request: denied,
    });
    const released = grant({ revokedAt: T0 + MIN, revokedBy: alice.id, createdAt: T0 + 2 * MIN });
    assert.deepEqual(standing('payroll', [denied], [released], now), {
      state: 'ended',
      grant: released,
      end: 'released',
    });
  });
  test('an overdue request is not pending; other resources do not count', () => {
    const overdue = request({ expiresAt: now });
    assert.deepEqual(standing('payroll', [overdue], [], now), { state: 'none', request: overdue });
    assert.deepEqual(standing('wiki', [request()], [grant()], now), { state: 'none' });
  });
});

void describe('what may be requested now', () => {
  const config = policies(P.staffPayroll, P.vendorPayroll, P.ciOrders, {
    id: 'wiki-ticketed',
    resources: ['wiki'],
    subjects: { groups: ['staff'] },
    maxDuration: '2h',
    ticketPattern: '^INC-[0-9]+$',
    approval: { groups: ['approvers'] },
  });

  test('a vendor outside the access window: nothing, and the preview says why', () => {
    const options = requestOptions(vic, 'payroll', config, SAT_10_BERLIN);
    assert.equal(options.requestable, false);
    assert.equal(options.maxDurationMs, 0);
    assert.equal(options.preview.outcome, 'denied');
    assert.match(options.preview.reasons.join(' '), /vic is a vendor and the window is Mon–Fri/);
  });

  test('a vendor inside the window: the policy’s 4h, a reason, approval needed', () => {
    const options = requestOptions(vic, 'payroll', config, MON_10_BERLIN);
    assert.equal(options.requestable, true);
    assert.equal(options.maxDurationMs, 4 * HOUR);
    assert.equal(options.requireReason, true);
    assert.deepEqual(options.ticket, { required: false, patterns: [] });
    assert.equal(options.preview.outcome, 'needs_approval');
  });

  test('a ticket is required when every open policy asks for one', () => {
    const options = requestOptions(alice, 'wiki', config, MON_10_BERLIN);
    assert.deepEqual(options.ticket, { required: true, patterns: ['^INC-[0-9]+$'] });
    assert.equal(options.maxDurationMs, 2 * HOUR);
  });

  test('with one policy that asks for a ticket and one that does not: optional', () => {
    const mixed = policies(P.staffPayroll, {
      id: 'payroll-incident',
      resources: ['payroll'],
      subjects: { groups: ['staff'] },
      maxDuration: '1h',
      ticketPattern: '^INC-[0-9]+$',
      approval: { groups: ['approvers'] },
    });
    const options = requestOptions(alice, 'payroll', mixed, MON_10_BERLIN);
    assert.deepEqual(options.ticket, { required: false, patterns: ['^INC-[0-9]+$'] });
    assert.equal(options.maxDurationMs, 8 * HOUR, 'the longest of the open policies');
  });

  test('nobody else’s resources; a machine’s auto-approval shows in the preview', () => {
    assert.equal(requestOptions(alice, 'orders-db', config, T0).requestable, false);
    const machine = requestOptions(ci, 'orders-db', config, T0);
    assert.equal(machine.requestable, true);
    assert.equal(machine.requireReason, true);
  });
});
