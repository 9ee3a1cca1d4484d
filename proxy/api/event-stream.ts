/**
 * GET /api/v1/events: Server-Sent Events of the requests and grants that concern the caller.
 * One listener on the access events serves every open stream (requesters are read once per
 * event); it is attached while a stream is open and removed with the last one. Each stream
 * pings every 15 s, ends when its session or token ends, and is capped per person.
 */
import type { Request, Response } from 'express';
import type { Authorization } from '../access/authorization.js';
import type { AccessEvent, AccessEvents } from '../access/events.js';
import type { Subject } from '../access/types.js';
import { subjectOf } from '../identity/session-user.js';
import { JitgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { UserRepository } from '../store/types.js';
import { requireCaller, type Caller } from './authenticate.js';
import { address, frame } from './event-audience.js';

export interface EventStreamDeps {
  events: AccessEvents;
  users: Pick<UserRepository, 'get'>;
  /** Who may decide a request, and so hears of it. */
  authorization: Pick<Authorization, 'mayDecide' | 'mayReviewBreakGlass'>;
  now: () => number;
  log: Logger;
  maxPerUser?: number;
  pingMs?: number;
  /** How often a stream asks whether its session or token still holds. */
  checkMs?: number;
}

interface Stream {
  caller: Caller;
  subject: Subject;
  write(chunk: string): void;
  end(reason: string): void;
}

/** Ends `stream` when its session or token no longer holds (or cannot be checked). */
function check(stream: Stream): void {
  stream.caller.stillValid().then(
    (valid) => valid || stream.end('credential_ended'),
    () => stream.end('credential_unverifiable'),
  );
}

/** A client this far behind is not reading: it is dropped (and may reconnect) rather than fed. */
const MAX_BUFFERED = 1024 * 1024;

export class EventStreams {
  private readonly streams = new Set<Stream>();
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: EventStreamDeps) {}

  get size(): number {
    return this.streams.size;
  }

  /** The Express handler (async: errors before the stream opens reach the error handler). */
  readonly handle = async (req: Request, res: Response): Promise<void> => {
    const caller = requireCaller(req);
    const max = this.deps.maxPerUser ?? 10;
    const open = [...this.streams].filter((s) => s.subject.id === caller.user.id).length;
    if (open >= max)
      throw new JitgateError(429, 'too_many_streams', `at most ${max} open event streams each`);
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-store');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n: connected\n\n');

    let ended = false;
    const timers: NodeJS.Timeout[] = [];
    const cleanup = () => {
      ended = true;
      timers.forEach(clearInterval);
      this.streams.delete(stream);
      if (this.streams.size === 0) this.detach();
    };
    const stream: Stream = {
      caller,
      subject: subjectOf(caller.user),
      write: (chunk) => {
        if (ended) return;
        if (res.writableLength > MAX_BUFFERED) return stream.end('too_slow');
        res.write(chunk);
      },
      end: (reason) => {
        if (ended) return;
        cleanup();
        res.end(frame('end', { reason }));
      },
    };
    res.on('close', cleanup);
    timers.push(setInterval(() => stream.write(': ping\n\n'), this.deps.pingMs ?? 15_000));
    timers.push(setInterval(() => check(stream), this.deps.checkMs ?? 5_000));
    timers.forEach((t) => t.unref());
    this.streams.add(stream);
    this.attach();
  };

  /**
   * Asks the streams whose credential `concerned` names whether it still holds, now rather than
   * at their next check (another replica may have ended it); ends those whose does not.
   */
  recheck(concerned: (credential: string) => boolean): void {
    for (const s of [...this.streams]) if (concerned(s.caller.credential)) check(s);
  }

  /** Ends every stream opened with `credential` (a logout, a revoked token). */
  endCredential(credential: string): void {
    for (const s of [...this.streams])
      if (s.caller.credential === credential) s.end('credential_ended');
  }

  close(): void {
    for (const s of [...this.streams]) s.end('shutdown');
    this.detach();
  }

  private attach() {
    this.unsubscribe ??= this.deps.events.on((event) => {
      // One queue keeps every stream's events in the order they happened.
      this.queue = this.queue
        .then(() => this.deliver(event))
        .catch((error: unknown) => this.deps.log.warn('event stream delivery failed', { error }));
    });
  }

  private detach() {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private async deliver(event: AccessEvent) {
    if (this.streams.size === 0) return;
    const requester =
      event.type === 'request.created' || event.type === 'request.updated'
        ? await this.deps.users.get(event.request.userId)
        : event.type === 'break_glass'
          ? await this.deps.users.get(event.record.userId)
          : undefined;
    const addressed = address(event, requester, this.deps.authorization, this.deps.now());
    for (const s of this.streams) if (addressed.concerns(s.subject)) s.write(addressed.frame);
  }
}
