// The PostgreSQL change feed's word on whether this replica is current, on a fake LISTEN
// connection and a hand-driven clock and timers: after a reconnect the replica is not current
// until its reload is done, however many probes of the new connection answer meanwhile.
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { PgChangeFeed } from '../../../proxy/store/postgres/change-feed.js';
import type { PgConnection, PgResult } from '../../../proxy/shared/pg-driver.js';

const OK: PgResult = { rows: [], rowCount: 0, command: 'SELECT' };

/** A LISTEN connection that answers every statement at once, and can be cut. */
function fakeConnection() {
  let ended: ((error: undefined) => void) | undefined;
  const connection: PgConnection = {
    query: () => Promise.resolve(OK),
    onNotification: () => undefined,
    onEnd: (handler) => {
      ended = handler;
    },
    close: () => {
      ended?.(undefined);
      return Promise.resolve();
    },
  };
  return { connection, cut: () => ended?.(undefined) };
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
