// Two replicas' memories on one real PostgreSQL, kept current by the change feed (LISTEN/NOTIFY):
// each "replica" is its own store (pool + LISTEN connection), grant book, session cache and
// event bus, wired as start.ts wires them. A grant started or revoked on A reaches B's book (and
// B's listeners cut what ran under it); a session destroyed on A leaves B's cache; a request made
// on A reaches B's event streams; a missed announcement is caught by the reload after a
// reconnect; with PostgreSQL down, B refuses to admit (503 grant_book_stale) and comes back after.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import type { AccessEvent } from '../../../proxy/access/events.js';
import { JitgateError } from '../../../proxy/shared/errors.js';
import { sessionDigest } from '../../../proxy/store/change-feed.js';
import {
  adminGrantToAlice,
  twoReplicas,
  waitFor,
  type FeedReplica,
} from '../../support/feed-replica.js';
import type { TestPostgres } from '../../support/postgres.js';

const now = () => Date.now();
let pg: TestPostgres;
let a: FeedReplica;
let b: FeedReplica;
let stop: (() => Promise<void>) | undefined;

before(async () => {
  ({ pg, a, b, stop } = await twoReplicas());
});
after(() => stop?.());

void describe('the change feed between two replicas', () => {
  it('a grant started on A is live in B’s book, and its revoke on A ends it on B', async () => {
    const started = b.nextEvent('grant.started');
    const grant = await adminGrantToAlice(a, 'payroll');
    const heard = await started;
    assert.equal(heard.remote, true, 'B tells its event streams, marked as heard from another');
    assert.equal(b.book.liveGrant('demo:alice', 'payroll', now())?.id, grant.id);

    const ended = b.nextEvent('grant.ended');
    await a.grants.revoke(grant.id, 'admin');
    const event = await ended;
    assert.equal(event.type === 'grant.ended' && event.end, 'revoked');
    assert.deepEqual(
      b.ended.at(-1),
      { id: grant.id, reason: 'revoked' },
      'B cut what ran under it',
    );
    assert.equal(b.book.liveGrant('demo:alice', 'payroll', now()), undefined);
  });

  it('each break-glass stage written on A is told once on B, as heard from another', async () => {
    const grant = await adminGrantToAlice(a, 'payroll');
    const at = now();
    const record = {
      grantId: grant.id,
      userId: 'demo:alice',
      resourceId: 'payroll',
      policyId: 'emergency',
      incident: 'INC-7',
      reason: 'down',
      createdAt: at,
      reviewDueAt: at - 1,
      overdueFlaggedAt: null,
      review: null,
    };
    const heard: AccessEvent[] = [];
    const off = b.events.on((event) => {
      if (event.type === 'break_glass') heard.push(event);
    });
    try {
      let next = b.nextEvent('break_glass');
      await a.store.breakGlass.insert(record);
      await next;
      next = b.nextEvent('break_glass');
      assert.equal((await a.store.breakGlass.flagOverdue(at)).length, 1);
      await next;
      next = b.nextEvent('break_glass');
      const review = { reviewerId: 'demo:bob', verdict: 'justified' as const, comment: 'ok', at };
      assert.ok(await a.store.breakGlass.review(grant.id, review));
      await next;
      assert.deepEqual(
        heard.map((e) => e.type === 'break_glass' && [e.stage, e.record.grantId, e.remote]),
        [
          ['started', grant.id, true],
          ['overdue', grant.id, true],
          ['reviewed', grant.id, true],
        ],
      );
    } finally {
      off();
      const ended = b.nextEvent('grant.ended');
      await a.grants.revoke(grant.id, 'admin');
      await ended; // heard on B before the next test starts listening
    }
  });

  it('a grant A just made is found on B by a lookup that would refuse: it catches up first', async () => {
    // The portal on A answers once the grant is committed; the person's next request may reach
    // B before B's feed brought it in. B must not refuse them in that window.
    for (let i = 0; i < 12; i++) {
      const grant = await adminGrantToAlice(a, `app-${i}`);
      const found = await b.book.findLiveGrant('demo:alice', `app-${i}`, now);
      assert.equal(found?.id, grant.id, `B refused a grant A made (${i})`);
      assert.equal((await b.book.findLiveById(grant.id, now))?.id, grant.id);
    }
    // Many refusals at once share the feed's round trips, and each sees the grant.
    const grant = await adminGrantToAlice(a, 'app-many');
    const lookups = Array.from({ length: 40 }, () =>
      Promise.resolve(b.book.findLiveGrant('demo:alice', 'app-many', now)),
    );
    for (const found of await Promise.all(lookups)) assert.equal(found?.id, grant.id);
    // And one that nobody granted is still no, once caught up.
    assert.equal(await b.book.findLiveGrant('demo:alice', 'never-granted', now), undefined);
  });

  it('a session destroyed on A leaves B’s cache at once, not after its refresh', async () => {
    const sid = 'sid-of-a-logout';
    const data = JSON.stringify({
      cookie: {},
      user: { id: 'demo:alice', username: 'alice', groups: [], loginAt: now() },
    });
    await a.store.sessions.create({ id: sid, data, expiresAt: now() + 3_600_000 });
    assert.ok(await b.sessions.lookup(sid), 'B has the session cached');
    assert.equal(b.sessions.size, 1);
    const heard = b.nextChange('session');
    await a.store.sessions.destroy(sid);
    assert.equal((await heard).kind, 'session');
    assert.equal(b.sessions.size, 0, 'B dropped it');
    assert.equal(await b.sessions.lookup(sid), undefined);
  });

  it('every session of a person ended on A at once leaves B’s cache, each by its digest', async () => {
    const data = JSON.stringify({
      cookie: {},
      user: { id: 'demo:alice', username: 'alice', groups: [], loginAt: now() },
    });
    const sids = ['sid-one-of-alice', 'sid-two-of-alice'];
    for (const id of sids)
      await a.store.sessions.create({ id, data, expiresAt: now() + 3_600_000 });
    for (const sid of sids) assert.ok(await b.sessions.lookup(sid), 'B has the session cached');
    assert.equal(b.sessions.size, 2);
    const digests: string[] = [];
    const heard = new Promise<void>((resolve) => {
      const off = b.store.changes.subscribe({
        changed: (change) => {
          if (change.kind === 'session') digests.push(change.digest);
          if (digests.length < sids.length) return;
          off();
          resolve();
        },
        resync: () => Promise.resolve(),
      });
    });
    assert.deepEqual((await a.store.sessions.destroyByUser('demo:alice')).sort(), [...sids].sort());
    await heard;
    assert.deepEqual(digests.sort(), sids.map(sessionDigest).sort(), 'named as B names them');
    assert.equal(b.sessions.size, 0, 'B dropped both');
    for (const sid of sids) assert.equal(await b.sessions.lookup(sid), undefined);
  });

  it('a request made on A reaches B’s event bus', async () => {
    const created = b.nextEvent('request.created');
    const id = 'req_from_a';
    await a.store.requests.insert({
      id,
      userId: 'demo:alice',
      resourceId: 'payroll',
      durationMs: 600_000,
      reason: 'month end',
      ticket: null,
      startAt: null,
      state: 'pending',
      policyId: null,
      approvalsRequired: 1,
      policyReasons: [],
      createdAt: now(),
      expiresAt: now() + 600_000,
      decidedAt: null,
      decidedBy: null,
      comment: null,
      grantId: null,
      approvals: [],
    });
    const event = await created;
    assert.equal(event.type === 'request.created' && event.request.id, id);
    assert.equal(event.remote, true);
  });

  it('a change B never heard of is caught by the reload after its feed reconnects', async () => {
    const grant = await adminGrantToAlice(a, 'wiki');
    await waitFor(() => b.book.get(grant.id) !== undefined);
    // Revoked behind the feed's back (no NOTIFY), then B's connections (its LISTEN too) are cut.
    await b.store.db.run('UPDATE grants SET revoked_at = $1, revoked_by = $2 WHERE id = $3', [
      now(),
      'dba',
      grant.id,
    ]);
    await a.store.db.run(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'replica-b'",
    );
    await waitFor(() => b.ended.some((e) => e.id === grant.id));
    assert.deepEqual(b.ended.at(-1), { id: grant.id, reason: 'revoked' });
    assert.equal(b.store.changes.isCurrent(), true);
  });

  it('with PostgreSQL down B admits nobody (503 grant_book_stale), and serves again after', async () => {
    const grant = await adminGrantToAlice(a, 'docs');
    await waitFor(() => b.book.get(grant.id) !== undefined);
    const start = await pg.stopServer();
    const stale = (error: unknown) =>
      error instanceof JitgateError && error.status === 503 && error.code === 'grant_book_stale';
    // A miss cannot catch up with a database that is gone: "cannot tell", even while the last
    // probe is recent enough for the book to count as current.
    await assert.rejects(
      async () => b.book.findLiveGrant('demo:alice', 'never-granted', now),
      stale,
    );
    await waitFor(() => !b.store.changes.isCurrent());
    assert.throws(() => b.book.liveGrant('demo:alice', 'docs', now()), stale);
    await start();
    await waitFor(() => b.store.changes.isCurrent());
    assert.equal(b.book.liveGrant('demo:alice', 'docs', now())?.id, grant.id);
    // And the feed works again: a revoke on A reaches B.
    const ended = b.nextEvent('grant.ended');
    await a.grants.revoke(grant.id, 'admin');
    await ended;
    assert.equal(b.book.liveGrant('demo:alice', 'docs', now()), undefined);
  });
});
