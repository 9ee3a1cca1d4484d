// The admin path (`jitgate grant` / `jitgate revoke`) leaves the same trail as the workflow: each
// change commits with its audit event and is announced after the commit; a failed audit write
// leaves no grant behind.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { AccessEvents, type AccessEvent } from '../../../proxy/access/events.js';
import { GrantBook } from '../../../proxy/access/grant-book.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { PendingRevocations } from '../../../proxy/access/pending-revocations.js';
import { GrantService } from '../../../proxy/access/grant-service.js';
import { AuditLog } from '../../../proxy/audit/audit-log.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';
import { policy } from '../../../proxy/config/policy-schema.js';

/** alice (staff) may have payroll under policy, so these grants need no --force. */
const STAFF = policy.parse({
  id: 'staff',
  resources: ['payroll'],
  subjects: { groups: ['staff'] },
  approval: { groups: ['approvers'] },
});
const T0 = 1_700_000_000_000;
const MIN = 60_000;

let store: Store;
let book: GrantBook;
let heard: AccessEvent[];
let now: number;
let audit: AuditLog;
let service: GrantService;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await store.users.upsert({
    id: 'corp:a-1',
    idp: 'corp',
    subject: 'a-1',
    username: 'alice',
    email: null,
    name: null,
    groups: ['staff'],
    kind: 'person',
    lastLoginAt: T0,
  });
  book = new GrantBook();
  heard = [];
  const events = new AccessEvents();
  events.on((event) => heard.push(event));
  now = T0;
  audit = new AuditLog(store.audit, store, () => now);
  service = new GrantService({
    store,
    book,
    audit,
    events,
    revocations: new PendingRevocations({ store, audit, log: silentLogger, now: () => now }),
    now: () => now,
    resourceExists: (id) => id === 'payroll',
    policies: [STAFF],
  });
});
afterEach(() => store.close());

const grantAlice = () =>
  service.grant({ user: 'alice', resource: 'payroll', durationMs: 30 * MIN, actor: 'admin-cli' });

void describe('GrantService trail', () => {
  test('a grant is audited as grant.started and announced', async () => {
    const grant = await grantAlice();
    const [event] = await audit.list({ code: 'grant.started', limit: 10 });
    assert.equal(event?.actor, 'admin-cli');
    assert.equal(event?.target, 'payroll');
    assert.equal(event?.data.grant, grant.id);
    assert.deepEqual(heard, [{ type: 'grant.started', grant }]);
  });

  test('a revoke is audited once and announced once, however often it is repeated', async () => {
    const grant = await grantAlice();
    now = T0 + MIN;
    const revoked = await service.revoke(grant.id, 'admin-cli');
    await assert.rejects(service.revoke(grant.id, 'admin-cli'), /has already ended/);
    const events = await audit.list({ code: 'grant.revoked', limit: 10 });
    assert.equal(events.length, 1);
    assert.equal(events[0]?.data.grant, grant.id);
    assert.deepEqual(heard.slice(1), [{ type: 'grant.ended', grant: revoked, end: 'revoked' }]);
  });

  test('when the audit write fails, no grant is left behind', async () => {
    const down = { append: () => Promise.reject(new Error('audit down')) };
    const failing = new GrantService({
      store,
      book,
      audit: down,
      events: new AccessEvents(),
      revocations: new PendingRevocations({
        store,
        audit: down,
        log: silentLogger,
        now: () => now,
      }),
      now: () => now,
      resourceExists: () => true,
      policies: [STAFF],
    });
    await assert.rejects(
      failing.grant({ user: 'alice', resource: 'payroll', durationMs: MIN, actor: 'admin-cli' }),
      /audit down/,
    );
    assert.deepEqual(await store.grants.listLive(T0), []);
    assert.equal(book.size, 0);
  });
});
