/**
 * RequestRepository: one pending request per person and resource, updates that only land on the
 * expected state, approvals kept with their request, and the lists the services page through.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccessRequest } from '../../../proxy/access/request-record.js';
import type { Approval } from '../../../proxy/access/types.js';
import { byId, MIN, T0, type ContractContext } from './context.js';

export function requestContract(c: ContractContext): void {
  const newRequest = (userId: string, overrides: Partial<AccessRequest> = {}): AccessRequest => ({
    id: c.unique('req'),
    userId,
    resourceId: 'payroll',
    durationMs: 30 * MIN,
    reason: 'month end ✓',
    ticket: 'FIN-1',
    startAt: null,
    state: 'pending',
    policyId: 'payroll-staff',
    approvalsRequired: 2,
    policyReasons: ['approval by payroll-approvers', 'Zoë "quoted"'],
    createdAt: T0,
    expiresAt: T0 + 60 * MIN,
    decidedAt: null,
    decidedBy: null,
    comment: null,
    grantId: null,
    approvals: [],
    ...overrides,
  });
  const approval = (overrides: Partial<Approval> = {}): Approval => ({
    approverId: c.unique('corp:bob'),
    decision: 'approve',
    comment: 'ok',
    durationMs: null,
    at: T0 + MIN,
    ...overrides,
  });
  const stored = async (overrides: Partial<AccessRequest> = {}) => {
    const request = newRequest((await c.storedUser()).id, overrides);
    assert.equal(await c.store().requests.insert(request), true);
    return request;
  };

  void describe('requests', () => {
    void test('insert then get gives the same request back; unknown ids are undefined', async () => {
      const request = await stored({ startAt: T0 + 5 * MIN, reason: null, ticket: null });
      assert.deepEqual(await c.store().requests.get(request.id), request);
      assert.equal(await c.store().requests.get(c.unique('req')), undefined);
    });

    void test('a second pending request for the same person and resource is refused', async () => {
      const first = await stored();
      const again = newRequest(first.userId);
      assert.equal(await c.store().requests.insert(again), false);
      assert.equal(await c.store().requests.get(again.id), undefined);
      // Another resource, or once the first is decided, is fine.
      assert.equal(
        await c.store().requests.insert(newRequest(first.userId, { resourceId: 'orders' })),
        true,
      );
      await c.store().requests.update({ ...first, state: 'denied' }, 'pending');
      assert.equal(await c.store().requests.insert(again), true);
    });

    void test('inserting an id twice fails and keeps the first', async () => {
      const request = await stored();
      const other = newRequest((await c.storedUser()).id, { id: request.id });
      await assert.rejects(c.store().requests.insert(other));
      assert.equal((await c.store().requests.get(request.id))?.userId, request.userId);
    });

    void test('update lands only on the expected state and writes every field', async () => {
      const request = await stored();
      const approved: AccessRequest = {
        ...request,
        state: 'approved',
        decidedAt: T0 + 2 * MIN,
        decidedBy: 'corp:bob',
        comment: 'fine',
        grantId: c.unique('grt'),
        durationMs: 15 * MIN,
      };
      assert.equal(await c.store().requests.update(approved, 'denied'), false);
      assert.deepEqual(await c.store().requests.get(request.id), request);
      assert.equal(await c.store().requests.update(approved, 'pending'), true);
      assert.deepEqual(await c.store().requests.get(request.id), approved);
      assert.equal(await c.store().requests.update(approved, 'pending'), false);
      assert.equal(
        await c.store().requests.update({ ...approved, id: c.unique('req') }, 'approved'),
        false,
      );
    });

    void test('approvals are read back with their request, oldest first', async () => {
      const request = await stored();
      const later = approval({ at: T0 + 3 * MIN, durationMs: 10 * MIN, comment: null });
      const earlier = approval({ decision: 'deny', at: T0 + 2 * MIN });
      await c.store().requests.addApproval(request.id, later);
      await c.store().requests.addApproval(request.id, earlier);
      assert.deepEqual((await c.store().requests.get(request.id))?.approvals, [earlier, later]);
      // One decision per approver.
      await assert.rejects(c.store().requests.addApproval(request.id, { ...later, at: T0 }));
    });

    void test('list: by person and states, newest first, limited; approvals included', async () => {
      const user = await c.storedUser();
      const a = newRequest(user.id, { createdAt: T0 + 1 });
      const b = newRequest(user.id, { createdAt: T0 + 2, resourceId: 'orders' });
      const d = newRequest(user.id, { createdAt: T0 + 3, resourceId: 'wiki' });
      for (const r of [a, b, d]) await c.store().requests.insert(r);
      const vote = approval();
      await c.store().requests.addApproval(b.id, vote);
      await c.store().requests.update({ ...d, state: 'cancelled' }, 'pending');
      const ids = async (filter: object) =>
        (await c.store().requests.list({ userId: user.id, limit: 10, ...filter })).map((r) => r.id);
      assert.deepEqual(await ids({}), [d.id, b.id, a.id]);
      assert.deepEqual(await ids({ states: ['pending'] }), [b.id, a.id]);
      assert.deepEqual(await ids({ states: ['cancelled', 'denied'] }), [d.id]);
      assert.deepEqual(await ids({ limit: 1 }), [d.id]);
      const listed = await c.store().requests.list({ userId: user.id, limit: 10 });
      assert.deepEqual(listed[1], { ...b, approvals: [vote] });
      const everyone = await c.store().requests.list({ states: ['pending'], limit: 1000 });
      assert.ok(everyone.some((r) => r.id === a.id));
      assert.deepEqual(await c.store().requests.list({ userId: c.unique('nobody'), limit: 5 }), []);
    });

    void test('listOverdue: pending requests whose deadline is at or before now', async () => {
      const now = T0 + 60 * MIN;
      const due = await stored({ expiresAt: now });
      const late = await stored({ expiresAt: now - 1 });
      const notYet = await stored({ expiresAt: now + 1 });
      const decided = await stored({ expiresAt: now - 1 });
      await c.store().requests.update({ ...decided, state: 'approved' }, 'pending');
      const ours = new Set([due, late, notYet, decided].map((r) => r.id));
      const overdue = (await c.store().requests.listOverdue(now)).filter((r) => ours.has(r.id));
      assert.deepEqual(byId(overdue), byId([due, late]));
    });

    void test('findByGrant finds the request a grant came from', async () => {
      const grantId = c.unique('grt');
      const request = await stored({ state: 'approved', grantId });
      assert.deepEqual(await c.store().requests.findByGrant(grantId), request);
      assert.equal(await c.store().requests.findByGrant(c.unique('grt')), undefined);
    });

    void test('a request must name a known user', async () => {
      await assert.rejects(c.store().requests.insert(newRequest(c.unique('corp:nobody'))));
    });
  });
}
