// Who may do what, from groups and kinds: one module answers for the API, the portal, the
// terminal and the event stream.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Authorization } from '../../../proxy/access/authorization.js';
import type { Subject } from '../../../proxy/access/types.js';
import { alice, bob, carol, ci, erin, P, policies, vic } from './policy-fixtures.js';

const config = policies(P.staffPayroll, P.vendorPayroll, P.ciOrders, {
  id: 'wiki-owners',
  resources: ['wiki'],
  subjects: { groups: ['staff'] },
  approval: { groups: ['wiki-owners'] },
});
const byId = (id: string) => {
  const found = config.find((p) => p.id === id);
  assert.ok(found, id);
  return found;
};
const staffPayroll = byId('staff-payroll');
const ciOrders = byId('ci-orders');
const wiki = byId('wiki-owners');
const authorization = new Authorization({
  adminGroups: ['admins'],
  auditorGroups: ['auditors'],
  policies: config,
});

const admin: Subject = { ...alice, id: 'corp:ada', username: 'ada', groups: ['admins'] };
const owner: Subject = { ...alice, id: 'corp:olga', username: 'olga', groups: ['wiki-owners'] };
const both: Subject = { ...carol, groups: ['auditors', 'admins'] };

void describe('roles', () => {
  test('come from groups and the kind', () => {
    assert.deepEqual([...authorization.rolesOf(alice)], []);
    assert.deepEqual([...authorization.rolesOf(bob)], ['approver']);
    assert.deepEqual([...authorization.rolesOf(admin)], ['admin']);
    assert.deepEqual([...authorization.rolesOf(carol)], ['auditor']);
    assert.deepEqual([...authorization.rolesOf(vic)], ['vendor']);
    assert.deepEqual([...authorization.rolesOf(ci)], ['machine']);
  });

  test('approvers approve for the policies whose approval groups they are in', () => {
    assert.deepEqual(
      authorization.approverPolicies(bob).map((p) => p.id),
      ['staff-payroll', 'vendor-payroll'],
    );
    assert.deepEqual(
      authorization.approverPolicies(owner).map((p) => p.id),
      ['wiki-owners'],
    );
    assert.deepEqual(authorization.approverPolicies(admin), []);
  });

  test('approvers and admins see Approvals; admins oversee every resource', () => {
    const ids = ['payroll', 'orders-db', 'wiki'];
    assert.equal(authorization.maySeeApprovals(alice), false);
    assert.equal(authorization.maySeeApprovals(erin), true);
    assert.equal(authorization.maySeeApprovals(admin), true);
    assert.deepEqual([...authorization.overseenResources(erin, ids)], ['payroll']);
    assert.deepEqual([...authorization.overseenResources(owner, ids)], ['wiki']);
    assert.deepEqual([...authorization.overseenResources(admin, ids)], ids);
    assert.deepEqual([...authorization.overseenResources(alice, ids)], []);
  });
});

void describe('revoking', () => {
  test('an approver of the grant’s policy, or an admin', () => {
    assert.equal(authorization.mayRevoke(bob, staffPayroll), true);
    assert.equal(authorization.mayRevoke(owner, wiki), true);
    assert.equal(authorization.mayRevoke(admin, wiki), true);
  });

  test('not an approver of another policy, even for the same resource', () => {
    const [managed] = policies({
      ...P.vendorPayroll,
      id: 'vendor-managed',
      approval: { groups: ['vendor-managers'] },
    });
    assert.ok(managed);
    assert.equal(authorization.mayRevoke(bob, managed), false);
    assert.equal(authorization.mayRevoke(owner, staffPayroll), false);
    assert.equal(authorization.mayRevoke(alice, staffPayroll), false);
  });

  test('a grant without a policy (an admin made it) only by admins', () => {
    assert.equal(authorization.mayRevoke(bob, undefined), false);
    assert.equal(authorization.mayRevoke(admin, undefined), true);
  });

  test('a policy without approvers (auto-approve only): admins only', () => {
    assert.equal(authorization.mayRevoke(bob, ciOrders), false);
    assert.equal(authorization.mayRevoke(admin, ciOrders), true);
  });
});

void describe('approving and hearing of requests', () => {
  test('never one’s own request; members of the approval groups', () => {
    assert.equal(authorization.mayApprove(bob, alice, staffPayroll, []).allowed, true);
    assert.equal(authorization.mayApprove(bob, bob, staffPayroll, []).allowed, false);
    assert.equal(authorization.mayApprove(owner, alice, staffPayroll, []).allowed, false);
  });

  test('who hears of a request: those who may decide it, whoever approved already', () => {
    assert.equal(authorization.mayDecide(bob, alice, 'staff-payroll'), true);
    assert.equal(authorization.mayDecide(erin, alice, 'staff-payroll'), true);
    assert.equal(authorization.mayDecide(bob, bob, 'staff-payroll'), false);
    assert.equal(authorization.mayDecide(bob, alice, 'no-such-policy'), false);
    assert.equal(authorization.mayDecide(bob, alice, null), false);
  });
});

void describe('auditors and oversight', () => {
  test('auditors read the audit log and trails; admins do not', () => {
    assert.equal(authorization.mayReadAuditLog(carol), true);
    assert.equal(authorization.mayReadTrails(carol), true);
    assert.equal(authorization.mayReadAuditLog(admin), false);
    assert.equal(authorization.mayReadTrails(admin), false);
    assert.equal(authorization.mayReadAuditLog(bob), false);
  });

  test('terminal sessions: auditors and admins, named as the role that applies', () => {
    assert.equal(authorization.oversightRole(carol), 'auditor');
    assert.equal(authorization.oversightRole(admin), 'admin');
    assert.equal(authorization.oversightRole(both), 'auditor');
    assert.equal(authorization.oversightRole(bob), undefined);
    for (const may of ['mayReadRecordings', 'mayWatchTerminal', 'mayTerminateTerminal'] as const) {
      assert.equal(authorization[may](carol), true, may);
      assert.equal(authorization[may](admin), true, may);
      assert.equal(authorization[may](bob), false, may);
    }
  });
});
