// A session watched from another replica, stopped being watched and watched again: the new
// publisher's chunks are numbered by the store as they are written, and a watcher reads on from
// the highest number it has seen. So the stopped publisher's last batch must be written first,
// or a watcher that already read the new chunk skips it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { HeldRelay, type HeldRelayDeps } from '../../../proxy/terminal/held-relay.js';
import type { RelayWatcher } from '../../../proxy/terminal/relay-record.js';
import type { TerminalPeer } from '../../../proxy/terminal/terminal-messages.js';

const ID = `ts_${'h'.repeat(22)}`;
const T0 = 1_700_000_000_000;

/** A promise the test settles when it chooses: a store write that is slow to commit. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

void describe('HeldRelay', () => {
  it('a publisher started after one stopped writes after the stopped one’s last batch', async () => {
    let watchers: RelayWatcher[] = [];
    let peer: TerminalPeer | undefined;
    const written: string[] = [];
    const slowFirst = deferred();
    const relay = {
      stopRequest: () => Promise.resolve(undefined),
      watchers: () => Promise.resolve(watchers),
      publish: async (_id: string, chunks: { data: string }[]) => {
        const text = chunks.map((c) => c.data).join('');
        written.push(`begin ${text}`);
        if (text === 'last of the first') await slowFirst.promise;
        written.push(`commit ${text}`);
      },
      clear: () => Promise.resolve(),
    };
    const session = {
      watch: (p: TerminalPeer) => {
        peer = p;
        return () => undefined;
      },
    };
    const held = new HeldRelay({
      relay: relay as unknown as HeldRelayDeps['relay'],
      ending: { get: () => session } as unknown as HeldRelayDeps['ending'],
      now: () => T0,
      log: silentLogger,
    });
    const look = () => undefined;

    watchers = [{ instance: 'ins_a', until: T0 + 60_000 }];
    await held.check(ID, look);
    peer?.output('last of the first');
    watchers = [];
    await held.check(ID, look); // stopped: its last batch is on its way, slowly

    watchers = [{ instance: 'ins_b', until: T0 + 60_000 }];
    await held.check(ID, look);
    peer?.output('first of the second');
    await new Promise((resolve) => setTimeout(resolve, 100)); // past the publisher's batch time
    slowFirst.resolve();
    await new Promise((resolve) => setTimeout(resolve, 100));
    held.close();

    assert.deepEqual(written, [
      'begin last of the first',
      'commit last of the first',
      'begin first of the second',
      'commit first of the second',
    ]);
  });
});
