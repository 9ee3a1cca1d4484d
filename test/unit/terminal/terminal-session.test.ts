// One terminal session with a fake pty and fake peers: output before the terminal attaches is
// handed over, watchers see recent output and resizes, a slow peer pauses the pty until it
// catches up, bulk output is handed on before what follows it, no input for idleTimeout ends it,
// and it ends exactly once whatever ends it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FULL_READ } from '../../../proxy/terminal/output-gatherer.js';
import type { Pty } from '../../../proxy/terminal/pty.js';
import {
  TerminalSession,
  type ServerMessage,
  type SessionEnded,
  type TerminalPeer,
} from '../../../proxy/terminal/terminal-session.js';

class FakePty implements Pty {
  pid = 1;
  written: string[] = [];
  paused = false;
  killed = 0;
  size = [80, 24];
  private data: (d: string) => void = () => undefined;
  private exit: (e: { exitCode: number }) => void = () => undefined;
  write = (d: string) => void this.written.push(d);
  resize = (c: number, r: number) => void (this.size = [c, r]);
  pause = () => void (this.paused = true);
  resume = () => void (this.paused = false);
  kill = () => void this.killed++;
  onData = (l: (d: string) => void) => void (this.data = l);
  onExit = (l: (e: { exitCode: number }) => void) => void (this.exit = l);
  emit = (d: string) => this.data(d);
  exitWith = (code: number) => this.exit({ exitCode: code });
}

class FakePeer implements TerminalPeer {
  out = '';
  messages: ServerMessage[] = [];
  closed = false;
  queued = 0;
  output = (d: string) => void (this.out += d);
  control = (m: ServerMessage) => void this.messages.push(m);
  close = () => void (this.closed = true);
  backlog = () => this.queued;
}

function session(idleTimeoutMs = 60_000) {
  const pty = new FakePty();
  const ends: SessionEnded[] = [];
  const s = new TerminalSession({
    id: 'ts_test',
    resource: 'prod-shell',
    login: 'deploy',
    endsAt: Date.now() + 60_000,
    cols: 80,
    rows: 24,
    pty,
    recording: null,
    recordInput: false,
    idleTimeoutMs,
    now: Date.now,
    onEnded: async (_s, ended) => void ends.push(ended),
  });
  return { s, pty, ends };
}

void describe('TerminalSession', () => {
  it('hands over output from before the terminal attached, then relays both ways', async () => {
    const { s, pty } = session();
    pty.emit('banner ');
    const peer = new FakePeer();
    s.attach(peer);
    pty.emit('$ ');
    s.input('ls\r');
    assert.equal(peer.out, 'banner $ ');
    assert.deepEqual(pty.written, ['ls\r']);
    assert.equal(peer.messages[0]?.type, 'ready');
    await s.end('shutdown', 'bye');
  });

  it('shows watchers recent output and resizes, read-only', async () => {
    const { s, pty } = session();
    s.attach(new FakePeer());
    pty.emit('earlier output');
    const watcher = new FakePeer();
    s.watch(watcher);
    s.resize(120, 40);
    pty.emit(' and live');
    assert.equal(watcher.out, 'earlier output and live');
    assert.deepEqual(watcher.messages.at(-1), { type: 'resize', cols: 120, rows: 40 });
    assert.deepEqual(pty.size, [120, 40]);
    await s.end('terminated', 'carol (auditor) ended this session.');
    assert.equal(watcher.closed, true);
    assert.equal(watcher.messages.at(-1)?.type, 'ended');
  });

  it('pauses the pty while the terminal falls behind, and resumes when it caught up', async () => {
    const { s, pty } = session();
    const peer = new FakePeer();
    s.attach(peer);
    peer.queued = 2 * 1024 * 1024;
    pty.emit('x');
    assert.equal(pty.paused, true);
    peer.queued = 0;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(pty.paused, false);
    await s.end('shutdown', 'bye');
  });

  it('hands held bulk output on before the input that follows it, and before the end', async () => {
    const { s, pty } = session();
    const peer = new FakePeer();
    s.attach(peer);
    const bulk = (c: string) => c.repeat(FULL_READ);
    pty.emit(bulk('a'));
    assert.equal(peer.out, '', 'a full read is held for a moment (output-gatherer.ts)');
    s.input('q');
    assert.equal(peer.out, bulk('a'));
    pty.emit(bulk('b'));
    await s.end('shutdown', 'bye');
    assert.equal(peer.out, bulk('a') + bulk('b'));
    assert.equal(peer.messages.at(-1)?.type, 'ended');
  });

  it('ends after idleTimeout without input', async () => {
    const { s, ends } = session(40);
    const peer = new FakePeer();
    s.attach(peer);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ends[0]?.reason, 'idle');
    assert.equal(peer.closed, true);
  });

  it('ends once, whatever ends it first', async () => {
    const { s, pty, ends } = session();
    s.attach(new FakePeer());
    const first = s.end('revoked', 'Your access was revoked.');
    pty.exitWith(0);
    await s.end('client_closed', 'closed');
    await first;
    assert.deepEqual(
      ends.map((e) => e.reason),
      ['revoked'],
    );
    s.input('too late');
    assert.deepEqual(pty.written, []);
  });
});
