// One way to start a grant and one way to end it, whoever asks: the request workflow and the
// admin path write through the grant ledger (commit, then tell the book and the listeners), and
// ending asks the authorization module. Against a real in-memory SQLite store.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Authorization } from '../../../proxy/access/authorization.js';
import { BreakGlassService } from '../../../proxy/access/break-glass-service.js';
import { AccessEvents, type AccessEvent } from '../../../proxy/access/events.js';
import { GrantBook } from '../../../proxy/access/grant-book.js';
import { GrantEnding } from '../../../proxy/access/grant-ending.js';
import { grantPolicy } from '../../../proxy/access/grant-policy.js';
import { GrantService } from '../../../proxy/access/grant-service.js';
import { PendingRevocations } from '../../../proxy/access/pending-revocations.js';
import { RequestService } from '../../../proxy/access/request-service.js';
import type { Subject } from '../../../proxy/access/types.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { JitgateError } from '../../../proxy/shared/errors.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { GrantRecord, Store } from '../../../proxy/store/types.js';
import { alice, ask, bob, erin, MIN, MON_10_BERLIN, P, policies } from './policy-fixtures.js';

const T0 = MON_10_BERLIN;
const config = policies(
  { ...P.staffPayroll, breakGlass: { users: ['alice'], incidentPattern: '^INC-\\d+$' } },
  { ...P.staffQuick, resources: ['wiki'] },
  { ...P.staffTwo, resources: ['orders-db'] },
);
const admin: Subject = { ...alice, id: 'corp:ada', username: 'ada', groups: ['admins'] };
const fresh = { mfaFresh: true };

let store: Store;
let book: GrantBook;
let audit: AuditLog;
let heard: AccessEvent[];
let now: number;
let requests: RequestService;
let ending: GrantEnding;
let admins: GrantService;
let breakGlass: BreakGlassService;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  for (const who of [alice, bob, erin, admin])
    await store.users.upsert({
      ...who,
      idp: 'corp',
      subject: who.username,
      name: null,
      groups: [...who.groups],
      claims: { ...who.claims },
      lastLoginAt: T0,
    });
  book = new GrantBook();
  heard = [];
  now = T0;
  audit = new AuditLog(store.audit, store, () => now);
  const events = new AccessEvents();
  events.on((event) => heard.push(event));
  const authorization = new Authorization({
    adminGroups: ['admins'],
    auditorGroups: [],
    policies: config,
  });
  const revocations = new PendingRevocations({ store, audit, log: silentLogger, now: () => now });
  const deps = {
    store,
    audit,
    book,
    events,
    revocations,
    policies: config,
    authorization,
    now: () => now,
  };
  requests = new RequestService(deps);
  ending = new GrantEnding(deps);
  admins = new GrantService({ ...deps, resourceExists: () => true });
  breakGlass = new BreakGlassService(deps);
});
afterEach(() => store.close());

async function refusedWith(promise: Promise<unknown>, status: number, code: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof JitgateError, String(error));
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return true;
  });
}

const emergency = {
  resourceId: 'payroll',
  durationMs: 15 * MIN,
  incident: 'INC-1',
  reason: 'payroll is down',
};

const startedEvents = async () => audit.list({ code: 'grant.started', limit: 10 });

/** alice asks for payroll, bob approves: a live grant through the workflow. */
async function approvedGrant() {
  const { request } = await requests.create(alice, ask(), fresh);
  const { grant } = await requests.approve(bob, request.id, {}, fresh);
  assert.ok(grant);
  return grant;
}

void describe('starting a grant', () => {
  test('an approval writes the grant and grant.started, then the book and listeners hear', async () => {
    const grant = await approvedGrant();
    assert.equal(book.liveGrant(alice.id, 'payroll', now)?.id, grant.id);
    const [event] = await startedEvents();
    assert.equal(event?.data.grant, grant.id);
    assert.equal(event?.actor, bob.id);
    assert.equal(typeof event?.data.request, 'string');
    assert.deepEqual(
      heard.map((e) => e.type),
      ['request.created', 'request.updated', 'grant.started'],
    );
  });

  test('an auto-approval and the admin path write the same grant.started event', async () => {
    const auto = await requests.create(alice, ask({ resourceId: 'wiki' }), fresh);
    assert.ok(auto.grant);
    const direct = await admins.grant({
      user: 'alice',
      resource: 'payroll',
      durationMs: 10 * MIN,
      actor: 'admin-cli',
    });
    const events = await startedEvents();
    assert.deepEqual(
      events.map((e) => Object.keys(e.data).sort()),
      [
        ['endsAt', 'grant', 'request', 'startsAt', 'user'],
        ['endsAt', 'grant', 'startsAt', 'user'],
      ],
    );
    assert.deepEqual(
      events.map((e) => e.actor),
      ['policy', 'admin-cli'],
    );
    assert.equal(book.get(direct.id)?.id, direct.id);
  });
});

void describe('ending a grant', () => {
  test('an approver of its policy revokes it: audited with the reason, announced once', async () => {
    const grant = await approvedGrant();
    const revoked = await ending.revoke(erin, grant.id, 'done early');
    assert.equal(revoked.revokedBy, erin.id);
    const [event] = await audit.list({ code: 'grant.revoked', limit: 10 });
    assert.equal(event?.reason, 'done early');
    assert.deepEqual(heard.at(-1), { type: 'grant.ended', grant: revoked, end: 'revoked' });
    assert.equal(book.liveGrant(alice.id, 'payroll', now), undefined);
    await refusedWith(ending.revoke(erin, grant.id, null), 409, 'grant_not_live');
  });

  test('a grant an admin made: admins revoke it, approvers may not', async () => {
    const grant = await admins.grant({
      user: 'alice',
      resource: 'payroll',
      durationMs: 10 * MIN,
      actor: 'admin-cli',
    });
    await refusedWith(ending.revoke(bob, grant.id, null), 403, 'not_an_approver');
    await refusedWith(ending.revoke(alice, grant.id, null), 403, 'not_an_approver');
    const revoked = await ending.revoke(admin, grant.id, null);
    assert.equal(revoked.revokedBy, admin.id);
  });

  test('a break-glass grant: approvers of the policy it was broken under revoke it', async () => {
    const { grant } = await breakGlass.breakGlass(alice, emergency, fresh);
    await refusedWith(ending.revoke(alice, grant.id, null), 403, 'not_an_approver');
    assert.equal(await ending.mayRevoke(erin, grant), true);
    const revoked = await ending.revoke(erin, grant.id, 'not justified');
    assert.equal(revoked.revokedBy, erin.id);
  });

  test('the holder releases it; an ended grant cannot be released', async () => {
    const grant = await approvedGrant();
    await refusedWith(ending.release(bob, grant.id), 404, 'unknown_grant');
    const released = await ending.release(alice, grant.id);
    assert.deepEqual(heard.at(-1), { type: 'grant.ended', grant: released, end: 'released' });
    await refusedWith(ending.release(alice, grant.id), 409, 'grant_not_live');
    const other = await approvedGrant();
    now = other.endsAt;
    await refusedWith(ending.release(alice, other.id), 409, 'grant_not_live');
  });

  test('a release and a revoke at once: one ends it, one event, one announcement', async () => {
    const grant = await approvedGrant();
    const before = heard.length;
    const results = await Promise.allSettled([
      ending.release(alice, grant.id),
      ending.revoke(erin, grant.id, 'both at once'),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refusal = results.find((r) => r.status === 'rejected');
    assert.ok(refusal && refusal.reason instanceof JitgateError);
    assert.equal(refusal.reason.code, 'grant_not_live');
    const ended = [
      ...(await audit.list({ code: 'grant.released', limit: 10 })),
      ...(await audit.list({ code: 'grant.revoked', limit: 10 })),
    ];
    assert.equal(ended.length, 1);
    assert.equal(heard.slice(before).filter((e) => e.type === 'grant.ended').length, 1);
  });
});

void describe('the policy a grant was given under', () => {
  test("a request's, the broken glass's, none for an admin's grant", async () => {
    const requested = await approvedGrant();
    const broken = (await breakGlass.breakGlass(alice, emergency, fresh)).grant;
    const direct = await admins.grant({
      user: 'bob',
      resource: 'wiki',
      durationMs: 10 * MIN,
      actor: 'admin-cli',
    });
    const policyOf = async (grant: GrantRecord) => (await grantPolicy(store, config, grant))?.id;
    assert.equal(await policyOf(requested), 'staff-payroll');
    assert.equal(await policyOf(broken), 'staff-payroll');
    assert.equal(await policyOf(direct), undefined);
  });
});

void describe('breaking the glass', () => {
  test('twenty at once: one emergency grant, the others refused while it lives', async () => {
    const tries = await Promise.allSettled(
      Array.from({ length: 20 }, () => breakGlass.breakGlass(alice, emergency, fresh)),
    );
    assert.equal(tries.filter((t) => t.status === 'fulfilled').length, 1);
    for (const t of tries.filter((t) => t.status === 'rejected')) {
      assert.ok(t.reason instanceof JitgateError, String(t.reason));
      assert.equal(t.reason.code, 'break_glass_live');
      assert.match(t.reason.message, /already hold emergency access to payroll until /);
    }
    const live = await store.grants.listLive(now);
    assert.equal(live.length, 1);
    assert.equal((await audit.list({ code: 'grant.break_glass', limit: 50 })).length, 1);
    // Once it has ended, the glass can be broken again.
    await ending.release(alice, live[0]?.id ?? '');
    const again = await breakGlass.breakGlass(alice, emergency, fresh);
    assert.equal(again.grant.breakGlass, true);
  });
});

void describe('two approvers', () => {
  test('are two people: one signed in through a second identity provider counts once', async () => {
    const bobElsewhere: Subject = { ...bob, id: 'partners:bob' };
    await store.users.upsert({
      ...bobElsewhere,
      idp: 'partners',
      subject: 'bob',
      name: null,
      groups: [...bob.groups],
      claims: {},
      lastLoginAt: T0,
    });
    const { request } = await requests.create(alice, ask({ resourceId: 'orders-db' }), fresh);
    await requests.approve(bob, request.id, {}, fresh);
    await refusedWith(
      requests.approve(bobElsewhere, request.id, {}, fresh),
      403,
      'not_an_approver',
    );
    assert.equal((await store.requests.get(request.id))?.state, 'pending');
    const { grant } = await requests.approve(erin, request.id, {}, fresh);
    assert.ok(grant);
  });
});

void describe('denying', () => {
  test('needs a comment, whoever calls: blank is none', async () => {
    const { request } = await requests.create(alice, ask(), fresh);
    await refusedWith(requests.deny(bob, request.id, null, fresh), 400, 'comment_required');
    await refusedWith(requests.deny(bob, request.id, '  ', fresh), 400, 'comment_required');
    const denied = await requests.deny(bob, request.id, '  not this month ', fresh);
    assert.equal(denied.state, 'denied');
    assert.equal(denied.comment, 'not this month');
  });
});

void describe('comments', () => {
  test('are bounded whoever calls (the portal form as the API): 1000 characters', async () => {
    const long = 'x'.repeat(1001);
    const { request } = await requests.create(alice, ask(), fresh);
    await refusedWith(requests.deny(bob, request.id, long, fresh), 400, 'invalid_body');
    await refusedWith(
      requests.approve(bob, request.id, { comment: long }, fresh),
      400,
      'invalid_body',
    );
    assert.equal((await store.requests.get(request.id))?.state, 'pending');
    const { grant } = await requests.approve(
      bob,
      request.id,
      { comment: ` ${'y'.repeat(1000)} ` },
      fresh,
    );
    assert.ok(grant);
    const approved = await store.requests.get(request.id);
    assert.equal(approved?.approvals[0]?.comment, 'y'.repeat(1000));
  });
});
