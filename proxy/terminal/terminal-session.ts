/**
 * One live terminal session: the person's terminal (web or CLI) on one side, ssh in a pty on the
 * other, the recording beside them, and read-only watchers. Output goes to the recording first,
 * then to the person and the watchers. Backpressure: when the person's connection or the
 * recording falls behind, the pty is paused (ssh, then sshd, stop reading) until both catch up.
 * Every way a session ends goes through end(), once.
 */
import { OutputGatherer } from './output-gatherer.js';
import type { Pty } from './pty.js';
import type { SessionRecording } from './session-recording.js';
import type { EndReason, ServerMessage, SessionEnded, TerminalPeer } from './terminal-messages.js';

export type { EndReason, ServerMessage, SessionEnded, TerminalPeer } from './terminal-messages.js';

export interface TerminalSessionOptions {
  id: string;
  resource: string;
  login: string;
  endsAt: number;
  cols: number;
  rows: number;
  pty: Pty;
  recording: SessionRecording | null;
  recordInput: boolean;
  idleTimeoutMs: number;
  now: () => number;
  onEnded(session: TerminalSession, ended: SessionEnded): Promise<void>;
}

const HIGH_BACKLOG = 1024 * 1024;
const LOW_BACKLOG = 128 * 1024;
/** Watchers joining late see this much of the recent output first. */
const RECENT_LIMIT = 64 * 1024;

export class TerminalSession {
  readonly id: string;
  private peer: TerminalPeer | undefined;
  private readonly pending: string[] = [];
  private readonly watchers = new Set<TerminalPeer>();
  private recent: string[] = [];
  private recentLength = 0;
  private cols: number;
  private rows: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private ending: Promise<void> | undefined;
  /** How it ended, for a terminal that attaches after the end (it ended while being opened). */
  private endedWith: ServerMessage | undefined;
  /** Bulk output is handed on in larger pieces (output-gatherer.ts). */
  private readonly gatherer = new OutputGatherer((data) => this.fromPty(data));

  constructor(private readonly options: TerminalSessionOptions) {
    this.id = options.id;
    this.cols = options.cols;
    this.rows = options.rows;
    options.pty.onData((data) => this.gatherer.push(data));
    options.pty.onExit(
      ({ exitCode }) =>
        void this.end(
          'exit',
          `The connection to ${options.resource} closed (ssh exit code ${exitCode}).`,
        ),
    );
    options.recording?.onDrain(() => this.maybeResume());
    this.touch();
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  /**
   * The person's terminal; output produced before it arrived is handed over first, and if the
   * session has ended meanwhile (its grant ended while it was being opened), how it ended.
   */
  attach(peer: TerminalPeer): void {
    this.peer = peer;
    peer.control(this.ready());
    for (const data of this.pending.splice(0)) peer.output(data);
    if (this.endedWith) {
      peer.control(this.endedWith);
      peer.close();
    }
  }

  input(data: string): void {
    if (this.ending) return;
    this.touch();
    this.gatherer.flush();
    if (this.options.recordInput) this.options.recording?.writer.input(data);
    this.options.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.ending || (cols === this.cols && rows === this.rows)) return;
    this.touch();
    this.gatherer.flush();
    this.cols = cols;
    this.rows = rows;
    this.options.recording?.writer.resize(cols, rows);
    this.options.pty.resize(cols, rows);
    for (const watcher of this.watchers) watcher.control({ type: 'resize', cols, rows });
  }

  /** A read-only watcher (auditor): recent output first, then everything live. */
  watch(peer: TerminalPeer): () => void {
    peer.control(this.ready());
    for (const data of this.recent) peer.output(data);
    this.watchers.add(peer);
    return () => this.watchers.delete(peer);
  }

  end(reason: EndReason, message: string): Promise<void> {
    if (!this.ending) this.gatherer.flush();
    this.ending ??= this.finish(reason, message);
    return this.ending;
  }

  private ready(): ServerMessage {
    const { id, options } = this;
    return {
      type: 'ready',
      session: id,
      resource: options.resource,
      login: options.login,
      recording: options.recording !== null,
      endsAt: options.endsAt,
      cols: this.cols,
      rows: this.rows,
    };
  }

  private fromPty(data: string): void {
    if (this.ending) return;
    const recorded = this.options.recording?.writer.output(data) ?? true;
    if (this.peer) this.peer.output(data);
    else this.pending.push(data);
    for (const watcher of this.watchers) if (watcher.backlog() < HIGH_BACKLOG) watcher.output(data); // a slow watcher misses output
    this.remember(data);
    if (!recorded || (this.peer?.backlog() ?? 0) > HIGH_BACKLOG) this.pause();
  }

  private remember(data: string): void {
    this.recent.push(data);
    this.recentLength += data.length;
    while (this.recentLength > RECENT_LIMIT && this.recent.length > 1)
      this.recentLength -= this.recent.shift()?.length ?? 0;
  }

  private pause(): void {
    if (this.resumeTimer) return;
    this.options.pty.pause();
    // ws has no drain event: look again shortly.
    this.resumeTimer = setInterval(() => this.maybeResume(), 25);
  }

  private maybeResume(): void {
    if (!this.resumeTimer) return;
    const behind = this.options.recording?.behind() ?? false;
    if (behind || (this.peer?.backlog() ?? 0) > LOW_BACKLOG) return;
    clearInterval(this.resumeTimer);
    this.resumeTimer = undefined;
    this.options.pty.resume();
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const minutes = Math.round(this.options.idleTimeoutMs / 60_000);
    this.idleTimer = setTimeout(
      () => void this.end('idle', `Session ended after ${minutes || '<1'} min without input.`),
      this.options.idleTimeoutMs,
    );
    this.idleTimer.unref();
  }

  private async finish(reason: EndReason, message: string): Promise<void> {
    clearTimeout(this.idleTimer);
    clearInterval(this.resumeTimer);
    const ended = { type: 'ended', reason, message } as const;
    this.endedWith = ended;
    for (const peer of [this.peer, ...this.watchers]) {
      peer?.control(ended);
      peer?.close();
    }
    this.watchers.clear();
    this.options.recording?.writer.marker(`ended: ${reason}`);
    this.options.pty.kill('SIGHUP');
    await this.options.onEnded(this, {
      reason,
      message,
      endedAt: this.options.now(),
      recording: this.options.recording,
    });
  }
}
