/**
 * Every open connection (in-flight HTTP exchange or WebSocket) under a grant, so that revoke or
 * expiry can cut them within a second instead of waiting for the next request, and a replica
 * whose grant book may be stale can cut them all.
 */
import { InFlight } from '../shared/in-flight.js';

export type Closer = () => void;

export class LiveConnections {
  private readonly byGrant = new Map<string, InFlight<Closer>>();

  /** @param grantLive whether a grant is live now (the grant book's answer) */
  constructor(readonly grantLive: (grantId: string) => boolean) {}

  /**
   * Registers a closer; returns the function that unregisters it. A connection is admitted
   * before it is tracked (its identity headers, an assertion to sign, come between): a grant that
   * ended in that gap was closed with nothing to close, so its late connection is cut here.
   */
  track(grantId: string, closer: Closer): () => void {
    if (!this.grantLive(grantId)) {
      closer();
      return () => {};
    }
    let set = this.byGrant.get(grantId);
    if (!set) {
      set = new InFlight();
      this.byGrant.set(grantId, set);
    }
    const slot = set.add(closer);
    const tracked = set;
    return () => {
      // After closeGrant the grant's closers are gone already (and were counted).
      if (this.byGrant.get(grantId) !== tracked) return;
      tracked.remove(slot, closer);
      if (tracked.size === 0) this.byGrant.delete(grantId);
    };
  }

  /** Closes every connection under the grant; returns how many. */
  closeGrant(grantId: string): number {
    const set = this.byGrant.get(grantId);
    if (!set) return 0;
    this.byGrant.delete(grantId);
    for (const close of set) close();
    return set.size;
  }

  /** Closes every connection under every grant; returns how many. */
  closeAll(): number {
    let closed = 0;
    for (const grantId of [...this.byGrant.keys()]) closed += this.closeGrant(grantId);
    return closed;
  }

  count(): number {
    let total = 0;
    for (const set of this.byGrant.values()) total += set.size;
    return total;
  }
}
