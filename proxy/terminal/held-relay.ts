/**
 * The holder's side of sessions watched and terminated from other replicas. For a session that
 * runs here, a `terminal` change may mean: someone asked (at another replica) for it to end,
 * then it ends as any terminate does, crediting who asked; or a replica started, renewed or
 * stopped watching it, then this replica publishes its output to the store (relay-publisher.ts)
 * while any watch is current, and replays `ready` and the recent output when a replica it has
 * not served joins. Once a session ended here, its relay is flushed, then cleared.
 */
import type { Logger } from '../shared/logger.js';
import { RelayPublisher } from './relay-publisher.js';
import type { TerminalRelayRepository } from './relay-record.js';
import type { SessionEnding } from './session-ending.js';

interface Publishing {
  publisher: RelayPublisher;
  unwatch: () => void;
  /** The replicas it has sent `ready` and the recent output to. */
  served: Set<string>;
  timer: NodeJS.Timeout | undefined;
}

export interface HeldRelayDeps {
  relay: TerminalRelayRepository;
  ending: SessionEnding;
  now: () => number;
  log: Logger;
}

export class HeldRelay {
  private readonly publishing = new Map<string, Publishing>();
  /** The last flush of a session's stopped publisher, until it is in the store. */
  private readonly stopping = new Map<string, Promise<void>>();

  constructor(private readonly deps: HeldRelayDeps) {}

  /** For a session held here: asked to end? Watched elsewhere, and by a replica not yet served? */
  async check(id: string, look: () => void): Promise<void> {
    const { relay, ending } = this.deps;
    const stop = await relay.stopRequest(id);
    if (stop) return void ending.endRequested(id, stop.by, stop.message);
    const now = this.deps.now();
    const current = (await relay.watchers(id)).filter((w) => w.until > now);
    const session = ending.get(id);
    let held = this.publishing.get(id);
    clearTimeout(held?.timer);
    if (current.length === 0 || !session) {
      if (held) this.stop(id, held);
      return;
    }
    if (!held) {
      const after = this.stopping.get(id);
      const publisher = new RelayPublisher({
        sessionId: id,
        relay,
        now: this.deps.now,
        log: this.deps.log,
        ...(after ? { after } : {}),
      });
      held = { publisher, unwatch: () => undefined, served: new Set(), timer: undefined };
      this.publishing.set(id, held);
    }
    const entry = held;
    if (current.some((w) => !entry.served.has(w.instance))) {
      // A replica that has not had `ready` and the recent output: (re)attach, which sends both.
      entry.unwatch();
      entry.publisher.replay(() => (entry.unwatch = session.watch(entry.publisher)));
    }
    entry.served = new Set(current.map((w) => w.instance));
    // Look again when the last watch runs out (a renewal, heard meanwhile, looks sooner).
    const until = Math.max(...current.map((w) => w.until));
    entry.timer = setTimeout(look, until - now + 50);
    entry.timer.unref();
  }

  /** A session held here ended (its end recorded): its relay is flushed, then cleared. */
  async ended(id: string): Promise<void> {
    const held = this.publishing.get(id);
    if (held) {
      this.stop(id, held);
      await held.publisher.settled();
    }
    await this.deps.relay
      .clear(id)
      .catch((error: unknown) =>
        this.deps.log.warn('terminal relay not cleared', { session: id, error: error as Error }),
      );
  }

  close(): void {
    for (const held of this.publishing.values()) clearTimeout(held.timer);
  }

  private stop(id: string, held: Publishing): void {
    clearTimeout(held.timer);
    held.unwatch();
    held.publisher.close();
    this.publishing.delete(id);
    const settled = held.publisher.settled();
    this.stopping.set(id, settled);
    void settled.then(() => {
      if (this.stopping.get(id) === settled) this.stopping.delete(id);
    });
  }
}
