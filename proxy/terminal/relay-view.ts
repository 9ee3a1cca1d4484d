/**
 * A live view, at this replica, of a session another replica holds: one per watched session,
 * shared by this replica's watchers (auditors' WebSockets). It says in the store that this replica
 * watches (renewed every RENEW_MS, so a view whose replica died stops by itself), reads the chunks
 * the holder publishes as the change feed announces them, and hands them to its watchers, read
 * only. Memory is bounded: the last RECENT_LIMIT characters for watchers who join late, and a
 * watcher that falls behind misses output, as at the holder. It fails closed: when the session
 * ends, or its holder goes silent, every watcher is told so and closed.
 */
import type { Logger } from '../shared/logger.js';
import type { RelayMessage } from './relay-publisher.js';
import type { RelayChunk, TerminalRelayRepository } from './relay-record.js';
import type { SessionHolders } from './session-holders.js';
import type { TerminalSessionRepository } from './session-record.js';
import { isEndReason, type ServerMessage, type TerminalPeer } from './terminal-messages.js';

const RENEW_MS = 2_000;
/** A watch lasts this long unless renewed (three renewals may be missed). */
const WATCH_FOR_MS = 3 * RENEW_MS;
const READ_BATCH = 32;
const RECENT_LIMIT = 64 * 1024;
const HIGH_BACKLOG = 1024 * 1024;

export interface RelayViewDeps {
  sessionId: string;
  instance: string;
  relay: TerminalRelayRepository;
  sessions: Pick<TerminalSessionRepository, 'get'>;
  holders: SessionHolders;
  now: () => number;
  log: Logger;
  /** The view has ended (its watchers were told and closed). */
  onClosed(): void;
}

export class RelayView {
  private readonly peers = new Set<TerminalPeer>();
  private ready: Extract<ServerMessage, { type: 'ready' }> | undefined;
  /** Whether live output arrived since `ready` (the holder's replays of recent output are then skipped). */
  private live = false;
  private recent: string[] = [];
  private recentLength = 0;
  private after = 0;
  private reading: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: RelayViewDeps) {}

  /** Reads from here on, and tells the holder (through the store) that this replica watches. */
  async start(): Promise<void> {
    this.after = await this.deps.relay.lastSeq(this.deps.sessionId);
    await this.deps.relay.watch(
      this.deps.sessionId,
      this.deps.instance,
      this.deps.now() + WATCH_FOR_MS,
    );
    this.timer = setInterval(() => void this.renew(), RENEW_MS);
    this.timer.unref();
  }

  /** A watcher: what it missed first (once the holder said ready), then everything live. */
  add(peer: TerminalPeer): () => void {
    if (this.ready) {
      peer.control(this.ready);
      for (const data of this.recent) peer.output(data);
    }
    this.peers.add(peer);
    return () => {
      this.peers.delete(peer);
      if (this.peers.size === 0) this.close();
    };
  }

  /** New chunks may be there (the feed announced the session): read them, one read at a time. */
  poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read()
      .catch((error: unknown) =>
        this.deps.log.warn('live view not read', {
          session: this.deps.sessionId,
          error: error as Error,
        }),
      )
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const peer of this.peers) peer.close();
    this.peers.clear();
    this.deps.onClosed();
    void this.deps.relay.unwatch(this.deps.sessionId, this.deps.instance).catch(() => undefined);
  }

  private async read(): Promise<void> {
    for (;;) {
      const chunks = await this.deps.relay.chunksAfter(this.deps.sessionId, this.after, READ_BATCH);
      for (const chunk of chunks) this.apply(chunk);
      if (chunks.length === 0) return void (await this.checkEnded());
      if (chunks.length < READ_BATCH || this.closed) return;
    }
  }

  private apply(chunk: RelayChunk): void {
    this.after = Math.max(this.after, chunk.seq);
    if (this.closed) return;
    if (chunk.kind === 'output') {
      if (!this.ready) return;
      this.live = true;
      return this.show(chunk.data);
    }
    let message: RelayMessage;
    try {
      message = JSON.parse(chunk.data) as RelayMessage;
    } catch {
      return; // not ours to guess at
    }
    if (message.type === 'ready') {
      if (this.ready) return;
      this.ready = message;
      for (const peer of this.peers) peer.control(message);
    } else if (message.type === 'recent') {
      if (this.ready && !this.live) this.show(message.data);
    } else if (message.type === 'resize') {
      if (this.ready) this.ready = { ...this.ready, cols: message.cols, rows: message.rows };
      for (const peer of this.peers) peer.control(message);
    } else if (message.type === 'ended') this.end(message);
  }

  private show(data: string): void {
    this.recent.push(data);
    this.recentLength += data.length;
    while (this.recentLength > RECENT_LIMIT && this.recent.length > 1)
      this.recentLength -= this.recent.shift()?.length ?? 0;
    for (const peer of this.peers) if (peer.backlog() < HIGH_BACKLOG) peer.output(data);
  }

  private end(message: Extract<ServerMessage, { type: 'ended' }>): void {
    for (const peer of this.peers) peer.control(message);
    this.close();
  }

  /** Nothing new: has the session ended, or its holder gone, without a word reaching us? */
  private async checkEnded(): Promise<boolean> {
    const row = await this.deps.sessions.get(this.deps.sessionId);
    const holding = row ? await this.deps.holders.of(row) : 'ended';
    if (holding === 'ended')
      this.end({
        type: 'ended',
        reason: isEndReason(row?.endReason) ? row.endReason : 'unknown',
        message: `The session has ended (${row?.endReason ?? 'no longer recorded'}).`,
      });
    if (holding === 'nobody')
      this.end({
        type: 'ended',
        reason: 'holder_gone',
        message:
          'The jitgate replica running this session stopped answering; the live view has ended.',
      });
    return holding === 'elsewhere';
  }

  private async renew(): Promise<void> {
    try {
      if (!(await this.checkEnded()) || this.closed) return;
      const until = this.deps.now() + WATCH_FOR_MS;
      await this.deps.relay.watch(this.deps.sessionId, this.deps.instance, until);
    } catch (error) {
      this.deps.log.warn('live view not renewed', {
        session: this.deps.sessionId,
        error: error as Error,
      });
    }
  }
}
