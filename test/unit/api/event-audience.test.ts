// Who hears what on the live event stream: a person their own requests and grants, approvers
// the requests they may decide (never their own), nobody else; frames are one-line SSE events.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Authorization } from '../../../proxy/access/authorization.js';
import type { AccessRequest } from '../../../proxy/access/request-record.js';
import type { Subject } from '../../../proxy/access/types.js';
import { address, frame } from '../../../proxy/api/event-audience.js';
import { validateConfig } from '../../../proxy/config/load.js';
import type { GrantRecord, UserRecord } from '../../../proxy/store/types.js';

const T0 = 1_700_000_000_000;
const config = validateConfig(
  {
    identityProviders: [{ id: 'corp', issuer: 'https://login.example.com', clientId: 'jitgate' }],
    resources: [
      { id: 'payroll', kind: 'web', host: 'payroll.example.com', upstream: 'http://10.0.0.1' },
    ],
    policies: [
      {
        id: 'staff-payroll',
        resources: ['payroll'],
        subjects: { groups: ['staff'] },
        approval: { groups: ['approvers'] },
      },
    ],
  },
  {},
);
const authorization = new Authorization({
  adminGroups: [],
  auditorGroups: [],
  policies: config.policies,
});

const person = (name: string, groups: string[]): Subject & UserRecord => ({
  id: `corp:${name}`,
  idp: 'corp',
  subject: name,
  username: name,
  email: `${name}@example.com`,
  name: null,
  groups,
  kind: 'person',
  claims: {},
  lastLoginAt: T0,
});
const alice = person('alice', ['staff']);
const bob = person('bob', ['staff', 'approvers']);
const dave = person('dave', ['approvers']);
const eve = person('eve', ['staff']);

const request = (user: UserRecord, state: AccessRequest['state'] = 'pending'): AccessRequest => ({
  id: 'req_aaaaaaaaaaaa',
  userId: user.id,
  resourceId: 'payroll',
  durationMs: 1_800_000,
  reason: 'month end',
  ticket: null,
  startAt: null,
  state,
  policyId: 'staff-payroll',
  approvalsRequired: 1,
  policyReasons: [],
  createdAt: T0,
  expiresAt: T0 + 3_600_000,
  decidedAt: null,
  decidedBy: null,
  comment: null,
  grantId: null,
  approvals: state === 'approved' ? [approvalBy(bob)] : [],
});
const approvalBy = (user: UserRecord) => ({
  approverId: user.id,
  decision: 'approve' as const,
  comment: null,
  at: T0,
  durationMs: null,
});
const grant: GrantRecord = {
  id: 'grt_aaaaaaaaaaaa',
  userId: alice.id,
  resourceId: 'payroll',
  startsAt: T0,
  endsAt: T0 + 1_800_000,
  reason: 'month end',
  createdBy: bob.id,
  createdAt: T0,
  revokedAt: null,
  revokedBy: null,
};

const hearing = (addressed: ReturnType<typeof address>) =>
  [alice, bob, dave, eve].filter((s) => addressed.concerns(s)).map((s) => s.username);

void describe('address', () => {
  test('a new request: the requester and every approver but the requester', () => {
    const created = { type: 'request.created' as const, request: request(alice) };
    assert.deepEqual(hearing(address(created, alice, authorization, T0)), ['alice', 'bob', 'dave']);
    const own = { type: 'request.created' as const, request: request(bob) };
    assert.deepEqual(hearing(address(own, bob, authorization, T0)), ['bob', 'dave']);
  });

  test('a decided request still reaches all its approvers, so their queues update', () => {
    const updated = { type: 'request.updated' as const, request: request(alice, 'approved') };
    assert.deepEqual(hearing(address(updated, alice, authorization, T0)), ['alice', 'bob', 'dave']);
  });

  test('without the requester or the policy, only the requester hears', () => {
    const created = { type: 'request.created' as const, request: request(alice) };
    assert.deepEqual(hearing(address(created, undefined, authorization, T0)), ['alice']);
    const orphan = {
      type: 'request.created' as const,
      request: { ...request(alice), policyId: 'x' },
    };
    assert.deepEqual(hearing(address(orphan, alice, authorization, T0)), ['alice']);
  });

  test('grants reach their holder only; the end says how', () => {
    const started = address({ type: 'grant.started', grant }, undefined, authorization, T0);
    assert.deepEqual(hearing(started), ['alice']);
    const ended = address(
      {
        type: 'grant.ended',
        grant: { ...grant, revokedAt: T0 + 1, revokedBy: bob.id },
        end: 'revoked',
      },
      undefined,
      authorization,
      T0 + 2,
    );
    assert.deepEqual(hearing(ended), ['alice']);
    const [head, data] = ended.frame.split('\n');
    assert.equal(head, 'event: grant.ended');
    const parsed = JSON.parse((data ?? '').slice('data: '.length)) as {
      end: string;
      grant: { state: string };
    };
    assert.equal(parsed.end, 'revoked');
    assert.equal(parsed.grant.state, 'revoked');
  });

  test('request frames carry the REST shape, with the requester', () => {
    const addressed = address(
      { type: 'request.created', request: request(alice) },
      alice,
      authorization,
      T0,
    );
    const data = JSON.parse(addressed.frame.split('\n')[1]?.slice(6) ?? '') as {
      request: { requester: { username: string }; duration: string; expiresAt: string };
    };
    assert.equal(data.request.requester.username, 'alice');
    assert.equal(data.request.duration, '30m');
    assert.equal(data.request.expiresAt, new Date(T0 + 3_600_000).toISOString());
  });
});

void describe('frame', () => {
  test('keeps data on one line whatever the strings hold', () => {
    const text = frame('request.created', { reason: 'line one\nline two\r\n\n' });
    assert.equal(text.split('\n\n').length, 2);
    assert.equal(text.split('\n').length, 4);
  });
});
