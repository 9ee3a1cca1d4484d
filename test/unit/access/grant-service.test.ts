// Admin grants against a real in-memory SQLite store: who and what they may name, how long they
// may last, revocation, and loading live grants into the book at start-up.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { AccessEvents } from '../../../proxy/access/events.js';
import { GrantBook, type GrantEndReason } from '../../../proxy/access/grant-book.js';
import {
  GrantService,
  MAX_ADMIN_GRANT_MS,
  MIN_ADMIN_GRANT_MS,
} from '../../../proxy/access/grant-service.js';
import { PendingRevocations } from '../../../proxy/access/pending-revocations.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { policy } from '../../../proxy/config/policy-schema.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { JitgateError } from '../../../proxy/shared/errors.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { GrantRecord, Store, UserRecord } from '../../../proxy/store/types.js';
import { RECENT_HISTORY } from '../../../proxy/access/access-state.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

const user = (
  idp: string,
  subject: string,
  username: string,
  email: string | null,
): UserRecord => ({
  id: `${idp}:${subject}`,
  idp,
  subject,
  username,
  email,
  name: null,
  groups: ['staff'],
  kind: 'person',
  lastLoginAt: T0,
});

const alice = user('corp', 'a-1', 'alice', 'alice@example.com');

/** Staff may have payroll (and orders) for up to the admin maximum; vendors nothing. */
const STAFF_POLICY = {
  id: 'staff',
  resources: ['payroll', 'orders'],
  subjects: { groups: ['staff'], kinds: ['person'] },
  maxDuration: '7d',
  approval: { groups: ['approvers'] },
};
const STAFF_PAYROLL = policy.parse(STAFF_POLICY);
const bobCorp = user('corp', 'b-1', 'bob', 'bob@example.com');
const bobVendor = user('vendors', 'b-2', 'bob', 'bob@vendor.example');
/** A vendor whose IdP sends a staff member's username and email (staff carol never signed in). */
const carolVendor: UserRecord = {
  ...user('vendors', 'c-9', 'carol', 'carol@example.com'),
  kind: 'vendor',
};
/** A vendor whose IdP sends staff alice's username (alice has signed in). */
const aliceVendor: UserRecord = { ...user('vendors', 'a-9', 'alice', null), kind: 'vendor' };

/** Asserts that `promise` rejects with a JitgateError of this status and code. */
async function rejectsWith(promise: Promise<unknown>, status: number, code: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof JitgateError, String(error));
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return true;
  });
}

let store: Store;
let book: GrantBook;
let now: number;
let ended: [string, GrantEndReason][];
let service: GrantService;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  for (const u of [alice, bobCorp, bobVendor, carolVendor, aliceVendor])
    await store.users.upsert(u);
  book = new GrantBook();
  ended = [];
  book.onEnd((g, reason) => ended.push([g.id, reason]));
  now = T0;
  const audit = new AuditLog(store.audit, store, () => now);
  service = new GrantService({
    store,
    book,
    audit,
    events: new AccessEvents(),
    revocations: new PendingRevocations({ store, audit, log: silentLogger, now: () => now }),
    now: () => now,
    resourceExists: (id) => id === 'payroll' || id === 'orders',
    policies: [STAFF_PAYROLL],
  });
});
afterEach(() => store.close());

const input = (overrides: Partial<Parameters<GrantService['grant']>[0]> = {}) => ({
  user: 'alice',
  resource: 'payroll',
  durationMs: 30 * MIN,
  reason: 'month end',
  actor: 'admin-cli',
  ...overrides,
});

void describe('GrantService.grant', () => {
  void test('records the grant, puts it in the book, starting now', async () => {
    const grant = await service.grant(input());
    assert.match(grant.id, /^grt_[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(grant, {
      id: grant.id,
      userId: alice.id,
      resourceId: 'payroll',
      startsAt: T0,
      endsAt: T0 + 30 * MIN,
      reason: 'month end',
      createdBy: 'admin-cli',
      createdAt: T0,
      revokedAt: null,
      revokedBy: null,
    });
    assert.deepEqual(await store.grants.get(grant.id), grant);
    assert.equal(book.liveGrant(alice.id, 'payroll', T0 + MIN), grant);
  });

  void test('a missing reason is stored as null', async () => {
    const grant = await service.grant(input({ reason: undefined }));
    assert.equal(grant.reason, null);
    assert.equal((await store.grants.get(grant.id))?.reason, null);
  });

  void test('finds the person by email or user id, in any case', async () => {
    for (const name of ['ALICE', 'Alice@Example.com', alice.id]) {
      const grant = await service.grant(input({ user: name }));
      assert.equal(grant.userId, alice.id, name);
    }
  });

  void test('an unknown user is a 404 and nothing is written', async () => {
    await rejectsWith(service.grant(input({ user: 'mallory' })), 404, 'unknown_user');
    assert.equal(book.size, 0);
    assert.deepEqual(await store.grants.listLive(T0), []);
  });

  void test('an unknown resource is a 404, checked before the user', async () => {
    await rejectsWith(service.grant(input({ resource: 'nope' })), 404, 'unknown_resource');
    await rejectsWith(
      service.grant(input({ resource: 'nope', user: 'mallory' })),
      404,
      'unknown_resource',
    );
    assert.equal(book.size, 0);
  });

  void test('a name several users share is a 409; the user id picks one', async () => {
    await rejectsWith(service.grant(input({ user: 'bob' })), 409, 'ambiguous_user');
    const grant = await service.grant(input({ user: bobVendor.id }));
    assert.equal(grant.userId, bobVendor.id);
    assert.equal((await service.grant(input({ user: 'bob@example.com' }))).userId, bobCorp.id);
  });

  void test('a name finds staff only: a vendor is named by id, whatever name its IdP sends', async () => {
    // A username or email is whatever an IdP sent; a vendor's IdP may send a staff member's.
    assert.equal((await service.grant(input({ user: 'alice' }))).userId, alice.id);
    await rejectsWith(service.grant(input({ user: 'carol' })), 409, 'ambiguous_user');
    await rejectsWith(service.grant(input({ user: 'carol@example.com' })), 409, 'ambiguous_user');
    const byId = await service.grant(input({ user: carolVendor.id, force: true }));
    assert.equal(byId.userId, carolVendor.id);
  });

  void test('durations outside 1s … 7d are refused', async () => {
    for (const durationMs of [
      0,
      -1,
      1,
      999,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      MAX_ADMIN_GRANT_MS + 1,
    ]) {
      await rejectsWith(service.grant(input({ durationMs })), 400, 'invalid_duration');
    }
    assert.equal(book.size, 0);
  });

  void test('the bounds themselves are allowed', async () => {
    assert.equal(MIN_ADMIN_GRANT_MS, 1_000);
    assert.equal(MAX_ADMIN_GRANT_MS, 7 * 86_400_000);
    const shortest = await service.grant(input({ durationMs: MIN_ADMIN_GRANT_MS }));
    assert.equal(shortest.endsAt - shortest.startsAt, MIN_ADMIN_GRANT_MS);
    const longest = await service.grant(input({ durationMs: MAX_ADMIN_GRANT_MS }));
    assert.equal(longest.endsAt - longest.startsAt, MAX_ADMIN_GRANT_MS);
  });

  void test('grant ids are unique', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await service.grant(input())).id);
    assert.equal(ids.size, 20);
  });
});

void describe('GrantService.revoke', () => {
  void test('marks the grant revoked, takes it out of the book and announces it', async () => {
    const grant = await service.grant(input());
    now = T0 + 5 * MIN;
    const revoked = await service.revoke(grant.id, 'bob');
    assert.equal(revoked.revokedAt, T0 + 5 * MIN);
    assert.equal(revoked.revokedBy, 'bob');
    assert.deepEqual(await store.grants.get(grant.id), revoked);
    assert.equal(book.liveGrant(alice.id, 'payroll', now), undefined);
    assert.deepEqual(ended, [[grant.id, 'revoked']]);
  });

  void test('revoking twice changes nothing and says who ended it and when', async () => {
    const grant = await service.grant(input());
    now = T0 + 5 * MIN;
    const first = await service.revoke(grant.id, 'bob');
    now = T0 + 9 * MIN;
    await assert.rejects(service.revoke(grant.id, 'carol'), (error: unknown) => {
      assert.ok(error instanceof JitgateError);
      assert.equal(error.status, 409);
      assert.equal(error.code, 'grant_not_live');
      assert.equal(
        error.message,
        `${grant.id} has already ended: revoked by bob at ${new Date(T0 + 5 * MIN).toISOString()}; nothing to revoke`,
      );
      return true;
    });
    assert.deepEqual(await store.grants.get(grant.id), first);
    assert.deepEqual(ended, [[grant.id, 'revoked']]);
  });

  void test('an unknown grant is a 404', async () => {
    await rejectsWith(service.revoke('grt_missing', 'bob'), 404, 'unknown_grant');
  });

  void test('revoking an expired grant says it expired, and History keeps it expired', async () => {
    const grant = await service.grant(input({ durationMs: MIN }));
    now = T0 + 2 * MIN;
    book.sweep(now);
    await assert.rejects(service.revoke(grant.id, 'bob'), (error: unknown) => {
      assert.ok(error instanceof JitgateError);
      assert.equal(error.status, 409);
      assert.equal(error.code, 'grant_not_live');
      assert.equal(
        error.message,
        `${grant.id} has already ended: it expired at ${new Date(T0 + MIN).toISOString()}; nothing to revoke`,
      );
      return true;
    });
    assert.equal((await store.grants.get(grant.id))?.revokedAt, null);
    assert.deepEqual(ended, [[grant.id, 'expired']]);
  });
});

void describe('GrantService.load and listForUser', () => {
  const stored = (overrides: Partial<GrantRecord>): GrantRecord => ({
    id: 'grt_x',
    userId: alice.id,
    resourceId: 'payroll',
    startsAt: T0 - 10 * MIN,
    endsAt: T0 + 10 * MIN,
    reason: null,
    createdBy: 'admin',
    createdAt: T0 - 10 * MIN,
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  });

  void test('puts live and scheduled grants in the book, and nothing else', async () => {
    const live = stored({ id: 'grt_live' });
    const scheduled = stored({ id: 'grt_later', startsAt: T0 + 60 * MIN, endsAt: T0 + 90 * MIN });
    const expired = stored({ id: 'grt_expired', endsAt: T0 });
    const revoked = stored({ id: 'grt_revoked', revokedAt: T0 - MIN, revokedBy: 'bob' });
    for (const g of [live, scheduled, expired, revoked]) await store.grants.insert(g);

    assert.equal(await service.load(), 2);
    assert.equal(book.size, 2);
    assert.deepEqual(book.get('grt_live'), live);
    assert.deepEqual(book.get('grt_later'), scheduled);
    assert.equal(book.get('grt_expired'), undefined);
    assert.equal(book.get('grt_revoked'), undefined);
    assert.deepEqual(book.liveGrant(alice.id, 'payroll', T0), live);
  });

  void test('an empty store loads nothing', async () => {
    assert.equal(await service.load(), 0);
    assert.equal(book.size, 0);
  });

  void test("lists a person's grants, revoked and expired ones included", async () => {
    const a = await service.grant(input());
    now = T0 + MIN;
    const b = await service.grant(input({ resource: 'orders' }));
    await service.revoke(a.id, 'bob');
    await service.grant(input({ user: bobCorp.id }));
    const listed = await service.listForUser(alice.id);
    assert.deepEqual(listed.map((g) => g.id).sort(), [a.id, b.id].sort());
    assert.equal(listed.find((g) => g.id === a.id)?.revokedBy, 'bob');
  });

  void test('lists the RECENT_HISTORY newest, and older ones only while they have not ended', async () => {
    const week = 7 * 24 * 60 * MIN;
    const active = stored({ id: 'grt_active', createdAt: T0 - week + MIN, endsAt: T0 + MIN });
    await store.grants.insert(active);
    const ended = Array.from({ length: RECENT_HISTORY + 5 }, (_, i) =>
      stored({ id: `grt_ended_${i}`, createdAt: T0 - week + 2 * MIN + i, endsAt: T0 - MIN }),
    );
    for (const g of ended) await store.grants.insert(g);
    const listed = await service.listForUser(alice.id);
    assert.equal(listed.length, RECENT_HISTORY + 1);
    assert.equal(listed[0]?.id, ended.at(-1)?.id);
    assert.equal(listed.at(-1)?.id, 'grt_active');
    assert.equal(
      listed.some((g) => g.id === 'grt_ended_0'),
      false,
    );
  });
});

void describe('GrantService.grant outside policy', () => {
  const cap = (maxDuration: string) => policy.parse({ ...STAFF_POLICY, maxDuration });
  const serviceWith = (policies: ReturnType<typeof cap>[]) => {
    const audit = new AuditLog(store.audit, store, () => now);
    return new GrantService({
      store,
      book,
      audit,
      events: new AccessEvents(),
      revocations: new PendingRevocations({ store, audit, log: silentLogger, now: () => now }),
      now: () => now,
      resourceExists: (id) => id === 'payroll' || id === 'orders',
      policies,
    });
  };

  void test('longer than every covering policy allows: refused unless forced, and said why', async () => {
    const capped = serviceWith([cap('1h')]);
    await assert.rejects(capped.grant(input({ durationMs: 2 * 60 * MIN })), (error: unknown) => {
      assert.ok(error instanceof JitgateError);
      assert.equal(error.status, 409);
      assert.equal(error.code, 'grant_outside_policy');
      assert.equal(
        error.message,
        'alice may have payroll for at most 1h under policy; pass --force to grant 2h anyway',
      );
      return true;
    });
    assert.equal(book.size, 0);
    const forced = await capped.grant(input({ durationMs: 2 * 60 * MIN, force: true }));
    const [event] = await store.audit.list({ limit: 10, code: 'grant.started' });
    assert.equal(event?.data.outsidePolicy, 'longer than the policy cap (1h)');
    assert.equal(book.liveGrant(alice.id, 'payroll', T0 + MIN), forced);
    assert.ok(await capped.grant(input({ durationMs: 60 * MIN })), 'within the cap: no force');
  });

  void test('someone no policy covers: refused unless forced', async () => {
    const ordersOnly = policy.parse({ ...STAFF_POLICY, resources: ['orders'] });
    const service = serviceWith([ordersOnly]);
    await assert.rejects(service.grant(input()), (error: unknown) => {
      assert.ok(error instanceof JitgateError);
      assert.equal(error.code, 'grant_outside_policy');
      assert.equal(
        error.message,
        'no policy lets alice request payroll; pass --force to grant it anyway',
      );
      return true;
    });
    await service.grant(input({ force: true }));
    const [event] = await store.audit.list({ limit: 10, code: 'grant.started' });
    assert.equal(event?.data.outsidePolicy, 'no policy covers the user');
  });
});
