/**
 * The holder's side of a live view at another replica: a read-only watcher of the session (like an
 * auditor's WebSocket here) that writes what it is sent to the store instead, in batches every
 * FLUSH_MS. Output is merged into chunks of at most CHUNK_CHARS; control messages go as JSON.
 * Memory is bounded: past MAX_BUFFERED characters waiting, output is dropped (as a slow watcher
 * misses output) and the watchers elsewhere are told by a note in the stream. When it is
 * attached, the session sends `ready` and its recent output: those go as a `recent` control so
 * that replicas already watching can skip them.
 */
import type { Logger } from '../shared/logger.js';
import type { RelayChunkKind, TerminalRelayRepository } from './relay-record.js';
import type { ServerMessage, TerminalPeer } from './terminal-messages.js';

const FLUSH_MS = 40;
const CHUNK_CHARS = 32 * 1024;
const MAX_BUFFERED = 256 * 1024;

/** What a relay carries beyond the WebSocket's messages: the recent output replayed on attach. */
export type RelayMessage = ServerMessage | { type: 'recent'; data: string };

export class RelayPublisher implements TerminalPeer {
  private chunks: { kind: RelayChunkKind; data: string }[] = [];
  private buffered = 0;
  private dropped = false;
  private replaying = false;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void>;
  private closed = false;

  constructor(
    private readonly deps: {
      sessionId: string;
      relay: Pick<TerminalRelayRepository, 'publish'>;
      now: () => number;
      log: Logger;
      /**
       * The last flush of the session's previous publisher: this one writes after it, so that
       * its chunks' numbers come after those (a watcher reads on from the highest it has seen).
       */
      after?: Promise<void>;
    },
  ) {
    this.flushing = deps.after ?? Promise.resolve();
  }

  /** Runs `attach` (which sends `ready` and the recent output) with that output marked recent. */
  replay(attach: () => void): void {
    this.replaying = true;
    try {
      attach();
    } finally {
      this.replaying = false;
    }
  }

  output(data: string): void {
    if (this.closed) return;
    if (this.replaying) return this.push('control', JSON.stringify({ type: 'recent', data }));
    if (this.buffered + data.length > MAX_BUFFERED) {
      this.dropped = true;
      return;
    }
    if (this.dropped) {
      this.dropped = false;
      this.push('output', '\r\n[jitgate: output skipped: the live view fell behind]\r\n');
    }
    const last = this.chunks.at(-1);
    if (last?.kind === 'output' && last.data.length + data.length <= CHUNK_CHARS) {
      last.data += data;
      this.buffered += data.length;
      this.schedule();
    } else this.push('output', data);
  }

  control(message: RelayMessage): void {
    if (!this.closed) this.push('control', JSON.stringify(message));
  }

  /** Writes what waits now, without waiting for the next batch. */
  flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** Stops after one last flush (the session ended, or nobody watches any more). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flushNow();
  }

  /** Resolves once everything sent before now is in the store (or failed to get there). */
  settled(): Promise<void> {
    return this.flushing;
  }

  backlog(): number {
    return this.buffered;
  }

  private push(kind: RelayChunkKind, data: string) {
    this.chunks.push({ kind, data });
    this.buffered += data.length;
    this.schedule();
  }

  private schedule() {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, FLUSH_MS);
  }

  /** One write at a time, in order. */
  private flush() {
    const chunks = this.chunks;
    if (chunks.length === 0) return;
    this.chunks = [];
    this.flushing = this.flushing.then(async () => {
      try {
        await this.deps.relay.publish(this.deps.sessionId, chunks, this.deps.now());
      } catch (error) {
        // Watchers elsewhere miss this batch; the session itself goes on.
        this.deps.log.warn('live view output not relayed', {
          session: this.deps.sessionId,
          error: error as Error,
        });
      } finally {
        this.buffered -= chunks.reduce((sum, c) => sum + c.data.length, 0);
      }
    });
  }
}
