// The live-view relay between replicas, on a real (SQLite) store with a fake pty: the holder's
// publisher writes `ready`, the recent output and then live output; the watching replica's view
// hands them to its watchers, skips the replays meant for replicas that join later, gives late
// watchers `ready` and the recent output, and fails closed: when the session ends, or its holder
// goes silent, its watchers are told and closed. The publisher's memory is bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Pty } from '../../../proxy/terminal/pty.js';
import { RelayPublisher } from '../../../proxy/terminal/relay-publisher.js';
import type { TerminalRelayRepository } from '../../../proxy/terminal/relay-record.js';
import { RelayView } from '../../../proxy/terminal/relay-view.js';
import { HOLDER_SILENT_AFTER_MS, SessionHolders } from '../../../proxy/terminal/session-holders.js';
import {
  TerminalSession,
  type ServerMessage,
  type TerminalPeer,
} from '../../../proxy/terminal/terminal-session.js';
import { waitFor } from '../../support/wire.js';

class FakePty implements Pty {
  pid = 1;
  private data: (d: string) => void = () => undefined;
  write = () => undefined;
  resize = () => undefined;
  pause = () => undefined;
  resume = () => undefined;
  kill = () => undefined;
  onData = (l: (d: string) => void) => void (this.data = l);
  onExit = () => undefined;
  emit = (d: string) => this.data(d);
}

class FakePeer implements TerminalPeer {
  out = '';
  messages: ServerMessage[] = [];
  closed = false;
  output = (d: string) => void (this.out += d);
  control = (m: ServerMessage) => void this.messages.push(m);
  close = () => void (this.closed = true);
  backlog = () => 0;
}

const HOLDER = 'ins_holder-replica';

async function setup() {
  const store = openSqliteStore(':memory:');
  let now = Date.now();
  const pty = new FakePty();
  const id = `ts_${'r'.repeat(22)}`;
  const session = new TerminalSession({
    id,
    resource: 'prod-shell',
    login: 'deploy',
    endsAt: now + 60_000,
    cols: 80,
    rows: 24,
    pty,
    recording: null,
    recordInput: false,
    idleTimeoutMs: 60_000,
    now: () => now,
    onEnded: async () => undefined,
  });
  await store.terminalSessions.insert({
    id,
    userId: 'corp:alice',
    resourceId: 'prod-shell',
    login: 'deploy',
    grantId: 'grt_1',
    via: 'web',
    startedAt: now,
    endedAt: null,
    endReason: null,
    state: 'live',
    recordingState: 'off',
    recording: null,
    checksum: null,
    bytes: null,
    instance: HOLDER,
  });
  await store.instances.beat(HOLDER, now);
  const publisher = new RelayPublisher({
    sessionId: id,
    relay: store.terminalRelay,
    now: () => now,
    log: silentLogger,
  });
  const holders = new SessionHolders({
    instances: store.instances,
    now: () => now,
    self: 'ins_watching-replica',
    isHere: () => false,
  });
  const closed: string[] = [];
  const view = new RelayView({
    sessionId: id,
    instance: 'ins_watching-replica',
    relay: store.terminalRelay,
    sessions: store.terminalSessions,
    holders,
    now: () => now,
    log: silentLogger,
    onClosed: () => closed.push(id),
  });
  /** Writes what the publisher holds, then lets the view read it (SQLite announces nothing). */
  const relay = async () => {
    publisher.flushNow();
    await publisher.settled();
    view.poke();
  };
  return {
    store,
    id,
    session,
    pty,
    publisher,
    view,
    relay,
    closed,
    later: (ms: number) => (now += ms),
  };
}

void describe('terminal relay between replicas', () => {
  it('relays ready, the recent output, then live output; late watchers catch up', async () => {
    const t = await setup();
    t.session.attach(new FakePeer());
    t.pty.emit('before the watch\r\n');
    await t.view.start();
    assert.equal((await t.store.terminalRelay.watchers(t.id))[0]?.instance, 'ins_watching-replica');
    const first = new FakePeer();
    const stopFirst = t.view.add(first);
    t.publisher.replay(() => t.session.watch(t.publisher));
    t.pty.emit('live one\r\n');
    await t.relay();
    await waitFor(() => first.out.includes('live one'), 2_000, 'live output at the view');
    assert.equal(first.messages[0]?.type, 'ready');
    assert.equal(first.out, 'before the watch\r\nlive one\r\n');

    // Another replica starts watching: the holder replays; this view has seen it all already.
    t.publisher.replay(() => t.session.watch(t.publisher));
    t.pty.emit('live two\r\n');
    await t.relay();
    await waitFor(() => first.out.includes('live two'), 2_000, 'more live output');
    assert.equal(first.out, 'before the watch\r\nlive one\r\nlive two\r\n');
    assert.equal(first.messages.filter((m) => m.type === 'ready').length, 1);

    const late = new FakePeer();
    t.view.add(late);
    assert.equal(late.messages[0]?.type, 'ready');
    assert.equal(late.out, first.out);

    stopFirst();
    assert.equal(t.closed.length, 0, 'a watcher remains');
    await t.session.end('terminated', 'carol (auditor) ended this session.');
    await t.relay();
    await waitFor(() => late.closed, 2_000, 'the late watcher to be closed');
    const ended = late.messages.find((m) => m.type === 'ended');
    assert.deepEqual(ended, {
      type: 'ended',
      reason: 'terminated',
      message: 'carol (auditor) ended this session.',
    });
    assert.deepEqual(t.closed, [t.id]);
    await waitFor(
      async () => (await t.store.terminalRelay.watchers(t.id)).length === 0,
      2_000,
      'the watch to be withdrawn',
    );
  });

  it('ends its watchers with holder_gone once the holder is silent', async () => {
    const t = await setup();
    await t.view.start();
    const watcher = new FakePeer();
    t.view.add(watcher);
    t.later(HOLDER_SILENT_AFTER_MS + 1);
    t.view.poke();
    await waitFor(() => watcher.closed, 2_000, 'the watcher to be closed');
    assert.equal(watcher.messages.at(-1)?.type, 'ended');
    assert.equal((watcher.messages.at(-1) as { reason: string }).reason, 'holder_gone');
    await t.session.end('shutdown', 'test over');
  });

  it('keeps at most 256 KiB waiting for the store, and says what it skipped', async () => {
    let release = () => {};
    const published: string[] = [];
    const relay: Pick<TerminalRelayRepository, 'publish'> = {
      publish: (_id, chunks) =>
        new Promise<void>((resolve) => {
          published.push(...chunks.map((c) => c.data));
          release = resolve;
        }),
    };
    const publisher = new RelayPublisher({
      sessionId: 'ts_x',
      relay,
      now: Date.now,
      log: silentLogger,
    });
    publisher.output('first');
    publisher.flushNow(); // the store is now slow: this write does not finish
    await waitFor(() => published.length === 1, 2_000, 'the first write to start');
    for (let i = 0; i < 100; i++) publisher.output('x'.repeat(16 * 1024));
    assert.ok(publisher.backlog() <= 256 * 1024, `backlog ${publisher.backlog()}`);
    publisher.flushNow();
    release();
    await waitFor(() => published.length > 1, 2_000, 'the second write to start');
    release();
    await publisher.settled();
    assert.equal(publisher.backlog(), 0);
    publisher.output('after');
    publisher.close();
    await waitFor(() => published.some((d) => d.endsWith('after')), 2_000, 'the last write');
    release();
    await publisher.settled();
    assert.match(published.join(''), /output skipped/);
    assert.ok(published.join('').length < 300 * 1024);
  });
});
