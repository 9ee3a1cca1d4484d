/**
 * Terminal sessions across replicas, through the store and its change feed (no replica talks to
 * another). The replica holding a session (its ssh runs here) hears, as `terminal` changes,
 * requests to end it and watches by other replicas (held-relay.ts). Any other replica watches
 * through a RelayView and asks for the end through the store, then waits to see the row ended.
 * After the feed reconnects, every session held here is checked again (announcements may have
 * been missed). On SQLite (one process) every session is held here and none of this is used.
 */
import type { SessionUser } from '../identity/session-user.js';
import { JitgateError, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { HeldRelay } from './held-relay.js';
import { RelayView } from './relay-view.js';
import type { SessionEnding } from './session-ending.js';
import { SessionHolders } from './session-holders.js';
import type { TerminalSessionRecord } from './session-record.js';
import type { TerminalPeer } from './terminal-messages.js';

/** How long a terminate asked at another replica waits to see the session ended. */
const CONFIRM_MS = 5_000;
/** When a change could not be applied (the store failed), it is looked at again after this. */
const RETRY_MS = 1_000;

export interface RemoteSessionsDeps {
  store: Pick<Store, 'changes' | 'terminalRelay' | 'terminalSessions' | 'instances'>;
  ending: SessionEnding;
  /** This replica's instance id (on the rows of the sessions it holds). */
  instance: string;
  now: () => number;
  log: Logger;
}

export const terminatedMessage = (actor: SessionUser, role: string) =>
  `${actor.username} (${role}) ended this session.`;

export class RemoteSessions {
  readonly holders: SessionHolders;
  private readonly held: HeldRelay;
  private readonly views = new Map<string, RelayView>();
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly queues = new Map<string, Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: RemoteSessionsDeps) {
    this.holders = new SessionHolders({
      instances: deps.store.instances,
      now: deps.now,
      self: deps.instance,
      isHere: (id) => deps.ending.get(id) !== undefined,
    });
    this.held = new HeldRelay({ ...deps, relay: deps.store.terminalRelay });
    deps.ending.whenEnded((id) => this.held.ended(id));
    this.unsubscribe = deps.store.changes.subscribe({
      changed: (change) => {
        if (change.kind === 'terminal') this.heard(change.id);
      },
      resync: () => {
        for (const id of [...this.deps.ending.ids(), ...this.views.keys()]) this.heard(id);
        return Promise.resolve();
      },
    });
  }

  /** Whether each row is live: held here, or by a replica that is alive. */
  liveIds(rows: readonly TerminalSessionRecord[]): Promise<Set<string>> {
    return this.holders.liveIds(rows);
  }

  /**
   * Ends session `id` for `actor`, wherever it runs; resolves its row once ended. A session no
   * live replica holds is refused (409 session_holder_gone), and so is one that has ended.
   */
  async terminate(id: string, actor: SessionUser, role: string): Promise<TerminalSessionRecord> {
    const row = await this.deps.store.terminalSessions.get(id);
    if (!row) throw notFound('unknown_session', 'no such session');
    const holding = await this.holders.of(row);
    if (holding === 'here') await this.deps.ending.terminate(id, actor, role);
    else {
      const stop = { by: actor.id, message: terminatedMessage(actor, role), at: this.deps.now() };
      // Asked also of a holder gone silent: a replica that was only slow (its heartbeats late)
      // still runs the session, and ends it when it hears this, rather than never. A second
      // request (someone else asked first) waits for the same end.
      if (holding !== 'ended') await this.deps.store.terminalRelay.requestStop(id, stop);
      this.refuseUnlessElsewhere(holding);
      await this.untilEnded(id);
    }
    return (await this.deps.store.terminalSessions.get(id)) ?? row;
  }

  /**
   * Whether session `id` can be watched from here: held here or by a live replica. Refused with
   * 404 session_not_live when it is unknown or ended, 409 session_holder_gone when nobody holds it.
   */
  async watchable(id: string): Promise<'here' | 'elsewhere'> {
    const row = await this.deps.store.terminalSessions.get(id);
    const holding = row ? await this.holders.of(row) : 'ended';
    if (holding === 'here') return holding;
    if (holding === 'ended') throw notFound('session_not_live', 'this session is not running');
    this.refuseUnlessElsewhere(holding);
    return 'elsewhere';
  }

  /** A read-only watcher of session `id`, wherever it runs; resolves how to stop watching. */
  async watch(id: string, peer: TerminalPeer): Promise<() => void> {
    if ((await this.watchable(id)) === 'here') return this.deps.ending.watch(id, peer);
    let view = this.views.get(id);
    if (!view) {
      const created = new RelayView({
        sessionId: id,
        instance: this.deps.instance,
        relay: this.deps.store.terminalRelay,
        sessions: this.deps.store.terminalSessions,
        holders: this.holders,
        now: this.deps.now,
        log: this.deps.log,
        onClosed: () => {
          if (this.views.get(id) === created) this.views.delete(id);
        },
      });
      this.views.set(id, created);
      view = created;
      const stop = view.add(peer);
      await view.start().catch((error: unknown) => {
        view?.close();
        throw error;
      });
      return stop;
    }
    return view.add(peer);
  }

  close(): void {
    this.unsubscribe?.();
    for (const view of this.views.values()) view.close();
    this.held.close();
  }

  private refuseUnlessElsewhere(holding: string): void {
    if (holding === 'nobody')
      throw new JitgateError(
        409,
        'session_holder_gone',
        'the jitgate replica running this session has stopped; it is ended when that replica recovers',
      );
    if (holding !== 'elsewhere')
      throw new JitgateError(409, 'session_not_live', 'this session has already ended');
  }

  /** A `terminal` change for `id`: applied in the order heard, one at a time per session. */
  private heard(id: string): void {
    for (const wake of this.waiting.get(id) ?? []) wake();
    this.views.get(id)?.poke();
    if (!this.deps.ending.get(id)) return;
    const next = (this.queues.get(id) ?? Promise.resolve())
      .then(() => this.held.check(id, () => this.heard(id)))
      .catch((error: unknown) => {
        // The store failed us (a stop request or a watch unread): look again shortly.
        this.deps.log.error('terminal change not applied', { session: id, error: error as Error });
        setTimeout(() => this.heard(id), RETRY_MS).unref();
      })
      .finally(() => {
        if (this.queues.get(id) === next) this.queues.delete(id);
      });
    this.queues.set(id, next);
  }

  /** Resolves once the row of `id` is ended (rechecked when the feed names it, else each 250 ms). */
  private async untilEnded(id: string): Promise<void> {
    const deadline = this.deps.now() + CONFIRM_MS;
    let wake = () => {};
    const wakers = this.waiting.get(id) ?? new Set<() => void>();
    this.waiting.set(id, wakers);
    try {
      for (;;) {
        const heard = new Promise<void>((resolve) => {
          wake = resolve;
          wakers.add(resolve);
        });
        const row = await this.deps.store.terminalSessions.get(id);
        if (row?.state !== 'live') return;
        if (this.deps.now() >= deadline)
          throw new JitgateError(
            504,
            'session_end_unconfirmed',
            'the end was asked of the replica running this session, which has not confirmed it yet',
            { expose: true },
          );
        await Promise.race([heard, new Promise((resolve) => setTimeout(resolve, 250))]);
        wakers.delete(wake);
      }
    } finally {
      wakers.delete(wake);
      if (wakers.size === 0) this.waiting.delete(id);
    }
  }
}
