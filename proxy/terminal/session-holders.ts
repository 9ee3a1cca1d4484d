/**
 * Who holds a terminal session: the replica whose ssh runs it (its instance id is on the row).
 * A session is live wherever it is asked about while its row is live and that replica is alive:
 * here, or elsewhere with a heartbeat (server/instance.ts, one a second) within
 * HOLDER_SILENT_AFTER_MS. A live row whose replica went silent is held by nobody: it cannot be
 * watched or terminated, only ended by the recovery of that replica's state folder.
 */
import type { InstanceRepository } from '../store/types.js';
import type { TerminalSessionRecord } from './session-record.js';

/** How long a replica may miss its heartbeats before its sessions count as held by nobody. */
export const HOLDER_SILENT_AFTER_MS = 5_000;

export type Holding = 'here' | 'elsewhere' | 'nobody' | 'ended';

export interface SessionHoldersDeps {
  instances: Pick<InstanceRepository, 'aliveAt'>;
  now: () => number;
  /** This replica's instance id. */
  self: string;
  /** Whether this replica runs the session now. */
  isHere(id: string): boolean;
}

export class SessionHolders {
  constructor(private readonly deps: SessionHoldersDeps) {}

  async of(row: TerminalSessionRecord): Promise<Holding> {
    return (await this.holdings([row])).get(row.id) ?? 'nobody';
  }

  /** The ids of `rows` that are live (held here or by a live replica). */
  async liveIds(rows: readonly TerminalSessionRecord[]): Promise<Set<string>> {
    const holdings = await this.holdings(rows);
    return new Set(
      rows.filter((r) => ['here', 'elsewhere'].includes(holdings.get(r.id) ?? '')).map((r) => r.id),
    );
  }

  /** Each row's holding; every replica's heartbeat is read once. */
  private async holdings(rows: readonly TerminalSessionRecord[]): Promise<Map<string, Holding>> {
    const alive = new Map<string, Promise<boolean>>();
    const isAlive = (instance: string) => {
      let known = alive.get(instance);
      if (!known) {
        known = this.deps.instances
          .aliveAt(instance)
          .then((at) => at !== undefined && this.deps.now() - at <= HOLDER_SILENT_AFTER_MS);
        alive.set(instance, known);
      }
      return known;
    };
    const entries = await Promise.all(
      rows.map(async (row): Promise<[string, Holding]> => {
        if (this.deps.isHere(row.id)) return [row.id, 'here'];
        // Ours and no longer running here: it is ending (its row is written just after).
        if (row.state !== 'live' || row.instance === this.deps.self) return [row.id, 'ended'];
        if (row.instance === null || !(await isAlive(row.instance))) return [row.id, 'nobody'];
        return [row.id, 'elsewhere'];
      }),
    );
    return new Map(entries);
  }
}
