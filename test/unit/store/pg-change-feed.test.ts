// The PostgreSQL change feed's word on whether this replica is current, on a fake LISTEN
// connection and a hand-driven clock and timers: after a reconnect the replica is not current
// until its reload is done, however many probes of the new connection answer meanwhile; a probe
// late past the bound makes the replica stale but ends the connection only once the link is
// taken for dead; a catch-up waits for a probe of its own and the reloads it started, and gives
// up after the staleness bound.
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { FEED_STALE_AFTER_MS } from '../../../proxy/store/change-feed.js';
import { DEAD_LINK_MS, PgChangeFeed } from '../../../proxy/store/postgres/change-feed.js';
import type { PgConnection, PgResult } from '../../../proxy/shared/pg-driver.js';

const OK: PgResult = { rows: [], rowCount: 0, command: 'SELECT' };

/** A LISTEN connection that answers every statement at once unless held, and can be cut. */
function fakeConnection() {
  let ended: ((error: undefined) => void) | undefined;
  let held: Promise<void> | undefined;
  let release = () => {};
  let closed = 0;
  let queries = 0;
  const connection: PgConnection = {
    query: () => {
      queries++;
      return held ? held.then(() => OK) : Promise.resolve(OK);
    },
    onNotification: () => undefined,
    onEnd: (handler) => {
      ended = handler;
    },
    close: () => {
      closed++;
      ended?.(undefined);
      return Promise.resolve();
    },
  };
  return {
    connection,
    cut: () => ended?.(undefined),
    /** Statements from now on wait until `answer()`. */
    hold: () => (held = new Promise<void>((resolve) => (release = resolve))),
    answer: () => {
      held = undefined;
      release();
    },
    get closed() {
      return closed;
    },
    get queries() {
      return queries;
    },
  };
}

/** Lets every promise already settled run its callbacks. */
async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/**
 * A feed on two fake connections (the first, then the one it reconnects on) and a hand-driven
 * clock; `resync(n)` is the n-th reload (1: at start).
 */
function feedOnFakes(resync: (reload: number) => Promise<void> = () => Promise.resolve()) {
  let clock = 0;
  const connections = [fakeConnection(), fakeConnection()] as const;
  let opened = 0;
  const feed = new PgChangeFeed({
    connect: () => Promise.resolve(connections[opened++]!.connection),
    clock: () => clock,
  });
  let reloads = 0;
  feed.subscribe({ changed: () => undefined, resync: () => resync(++reloads) });
  return {
    feed,
    connections,
    advance: (ms: number) => (clock += ms),
    counts: () => ({ opened, reloads }),
  };
}

void describe('PgChangeFeed.isCurrent after a reconnect', () => {
  void test('a probe answered while the reload runs does not make the replica current', async () => {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    try {
      let finishReload: (() => void) | undefined;
      // The first reload (at start) is quick; the one after the reconnect waits for the test.
      const { feed, connections, advance, counts } = feedOnFakes((reload) =>
        reload === 1 ? Promise.resolve() : new Promise((r) => (finishReload = r)),
      );
      await feed.start();
      assert.equal(feed.isCurrent(), true);

      // The LISTEN connection drops; announcements are missed from here on.
      connections[0].cut();
      advance(2_000);
      assert.equal(feed.isCurrent(), false);

      // The feed reconnects and starts reloading; the reload is slow.
      mock.timers.tick(100);
      await settle();
      assert.equal(counts().opened, 2);
      assert.ok(finishReload, 'the reload after the reconnect has started');

      // Probes of the new connection answer while the book still holds what was missed.
      advance(300);
      mock.timers.tick(250);
      await settle();
      mock.timers.tick(250);
      await settle();
      assert.equal(feed.isCurrent(), false, 'not current before the reload is done');

      finishReload();
      await settle();
      assert.equal(feed.isCurrent(), true, 'current once reloaded');
      await feed.close();
    } finally {
      mock.timers.reset();
    }
  });
});

void describe('PgChangeFeed: a late probe', () => {
  /** A started feed on fake timers whose first probe went out and waits for `first.answer()`. */
  async function withProbeHeld(
    check: (
      fakes: ReturnType<typeof feedOnFakes> & { pass: (ms: number) => Promise<void> },
    ) => Promise<void>,
  ) {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    try {
      const fakes = feedOnFakes();
      await fakes.feed.start();
      assert.deepEqual(fakes.counts(), { opened: 1, reloads: 1 });
      void fakes.connections[0].hold();
      mock.timers.tick(250);
      await settle();
      /** `ms` pass on the clock and on the timers, a probe interval at a time. */
      const pass = async (ms: number) => {
        for (let passed = 0; passed < ms; passed += 250) {
          fakes.advance(250);
          mock.timers.tick(250);
          await settle();
        }
      };
      await check({ ...fakes, pass });
      await fakes.feed.close();
    } finally {
      mock.timers.reset();
    }
  }

  void test('a stall past the bound makes the replica stale, and costs no reconnect', () =>
    withProbeHeld(async ({ feed, connections: [first], advance, counts }) => {
      // The probe's answer is late: the database, or this replica, is busy.
      advance(1_500);
      mock.timers.tick(250);
      await settle();
      assert.equal(feed.isCurrent(), false, 'stale past the bound: nothing is admitted');
      assert.equal(first.closed, 0, 'a link that answers late is not a dead link');

      // The answer comes: it confirms only what was committed before it was sent…
      first.answer();
      await settle();
      assert.equal(feed.isCurrent(), false);
      // …and the next probe makes the replica current again, on the same connection.
      mock.timers.tick(250);
      await settle();
      assert.equal(feed.isCurrent(), true);
      assert.deepEqual(counts(), { opened: 1, reloads: 1 }, 'no reconnect, no reload');
    }));

  void test('a probe unanswered past the dead-link bound ends the connection and reconnects', () =>
    withProbeHeld(async ({ feed, connections: [first], counts, pass }) => {
      await pass(DEAD_LINK_MS + 250);
      assert.equal(first.closed, 1, 'the silent link was ended');
      mock.timers.tick(100);
      await settle();
      assert.deepEqual(counts(), { opened: 2, reloads: 2 }, 'reconnected and reloaded');
      assert.equal(feed.isCurrent(), true);
      // The dead link's probe never answers; the new connection is probed all the same.
      await pass(DEAD_LINK_MS + 250);
      assert.equal(feed.isCurrent(), true, 'kept current by probes of the new connection');
      assert.deepEqual(counts(), { opened: 2, reloads: 2 });
    }));
});

void describe('PgChangeFeed.catchUp', () => {
  /** Whether `promise` has settled, without waiting for it. */
  async function settledYet(promise: Promise<unknown>) {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    await settle();
    return done;
  }

  void test('one asking during a probe waits for the next; those asking together share it', async () => {
    const { feed, connections } = feedOnFakes();
    await feed.start();
    const [link] = connections;
    const before = link.queries;
    void link.hold();
    const first = feed.catchUp();
    // Sent before these two asked: it may predate the commit they are waiting to see.
    const second = feed.catchUp();
    const third = feed.catchUp();
    await settle();
    assert.equal(link.queries - before, 1, 'one probe in flight');
    link.answer();
    await first;
    assert.equal(await settledYet(second), true);
    await Promise.all([second, third]);
    assert.equal(link.queries - before, 2, 'the two shared the next probe');
    await feed.close();
  });

  void test('waits for the reloads the announcements started', async () => {
    const { feed } = feedOnFakes();
    let finish = () => {};
    const reload = new Promise<void>((resolve) => (finish = resolve));
    feed.subscribe({
      changed: () => undefined,
      resync: () => Promise.resolve(),
      settled: () => reload,
    });
    await feed.start();
    const caughtUp = feed.catchUp();
    assert.equal(await settledYet(caughtUp), false, 'a reload is still running');
    finish();
    await caughtUp;
    await feed.close();
  });

  void test('rejects when the probe goes unanswered past the staleness bound, or the feed is down', async () => {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    try {
      const { feed, connections } = feedOnFakes();
      await feed.start();
      void connections[0].hold();
      const caughtUp = feed.catchUp();
      mock.timers.tick(FEED_STALE_AFTER_MS);
      await assert.rejects(caughtUp, /did not answer in time/);
      connections[0].cut();
      await assert.rejects(feed.catchUp(), /reconnecting/);
      await feed.close();
    } finally {
      mock.timers.reset();
    }
  });
});
