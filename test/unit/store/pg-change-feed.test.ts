// The PostgreSQL change feed's word on whether this replica is current, on a fake LISTEN
// connection and a hand-driven clock and timers: after a reconnect the replica is not current
// until its reload is done, however many probes of the new connection answer meanwhile; a probe
// late past the bound makes the replica stale but ends the connection only once the link is
// taken for dead.
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { DEAD_LINK_MS, PgChangeFeed } from '../../../proxy/store/postgres/change-feed.js';
import type { PgConnection, PgResult } from '../../../proxy/shared/pg-driver.js';

const OK: PgResult = { rows: [], rowCount: 0, command: 'SELECT' };

/** A LISTEN connection that answers every statement at once unless held, and can be cut. */
function fakeConnection() {
  let ended: ((error: undefined) => void) | undefined;
  let held: Promise<void> | undefined;
  let release = () => {};
  let closed = 0;
  const connection: PgConnection = {
    query: () => (held ? held.then(() => OK) : Promise.resolve(OK)),
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
  };
}

/** Lets every promise already settled run its callbacks. */
async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

void describe('PgChangeFeed.isCurrent after a reconnect', () => {
  void test('a probe answered while the reload runs does not make the replica current', async () => {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    try {
      let clock = 0;
      const connections = [fakeConnection(), fakeConnection()];
      let opened = 0;
      const feed = new PgChangeFeed({
        connect: () => Promise.resolve(connections[opened++]!.connection),
        clock: () => clock,
      });
      let finishReload: (() => void) | undefined;
      let reloads = 0;
      feed.subscribe({
        changed: () => undefined,
        resync: () => {
          reloads++;
          // The first reload (at start) is quick; the one after the reconnect waits for the test.
          return reloads === 1 ? Promise.resolve() : new Promise((r) => (finishReload = r));
        },
      });
      await feed.start();
      assert.equal(feed.isCurrent(), true);

      // The LISTEN connection drops; announcements are missed from here on.
      connections[0]!.cut();
      clock += 2_000;
      assert.equal(feed.isCurrent(), false);

      // The feed reconnects and starts reloading; the reload is slow.
      mock.timers.tick(100);
      await settle();
      assert.equal(opened, 2);
      assert.ok(finishReload, 'the reload after the reconnect has started');

      // Probes of the new connection answer while the book still holds what was missed.
      clock += 300;
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
  function startFeed() {
    let clock = 0;
    const connections = [fakeConnection(), fakeConnection()];
    let opened = 0;
    const feed = new PgChangeFeed({
      connect: () => Promise.resolve(connections[opened++]!.connection),
      clock: () => clock,
    });
    let reloads = 0;
    feed.subscribe({ changed: () => undefined, resync: () => Promise.resolve(void reloads++) });
    return {
      feed,
      first: connections[0]!,
      advance: (ms: number) => (clock += ms),
      counts: () => ({ opened, reloads }),
    };
  }

  void test('a stall past the bound makes the replica stale, and costs no reconnect', async () => {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    try {
      const { feed, first, advance, counts } = startFeed();
      await feed.start();
      assert.deepEqual(counts(), { opened: 1, reloads: 1 });

      // A probe goes out and its answer is late: the database, or this replica, is busy.
      void first.hold();
      mock.timers.tick(250);
      await settle();
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
      await feed.close();
    } finally {
      mock.timers.reset();
    }
  });

  void test('a probe unanswered past the dead-link bound ends the connection and reconnects', async () => {
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    try {
      const { feed, first, advance, counts } = startFeed();
      await feed.start();
      void first.hold();
      mock.timers.tick(250);
      await settle();
      for (let waited = 0; waited <= DEAD_LINK_MS; waited += 250) {
        advance(250);
        mock.timers.tick(250);
        await settle();
      }
      assert.equal(first.closed, 1, 'the silent link was ended');
      mock.timers.tick(100);
      await settle();
      assert.deepEqual(counts(), { opened: 2, reloads: 2 }, 'reconnected and reloaded');
      assert.equal(feed.isCurrent(), true);
      // The dead link's probe never answers; the new connection is probed all the same.
      for (let waited = 0; waited <= DEAD_LINK_MS; waited += 250) {
        advance(250);
        mock.timers.tick(250);
        await settle();
      }
      assert.equal(feed.isCurrent(), true, 'kept current by probes of the new connection');
      assert.deepEqual(counts(), { opened: 2, reloads: 2 });
      await feed.close();
    } finally {
      mock.timers.reset();
    }
  });
});
