/**
 * This process as the store knows it. It has an id of its own, carried by the rows it may leave
 * open (trail rows of long exchanges, terminal sessions), and a heartbeat: its last moment known
 * alive, written every second. At start-up, the previous process on this state folder (its id is
 * kept in <state>/instance) is the one whose leftovers this process ends, at that process's last
 * heartbeat rather than now.
 *
 * With several replicas on one PostgreSQL, each has a state folder of its own and so ends only
 * what its own previous run left, never rows of a replica that is alive. A replica that never
 * comes back leaves its rows open; ending those too (once their instance's heartbeat is old)
 * is for the multi-replica work.
 *
 * The heartbeat is also the store's write probe: readiness answers from its last result, which
 * is at most a second old.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import type { StoppedInstance, Store } from '../store/types.js';

const INSTANCE_FILE = 'instance';
const BEAT_EVERY_MS = 1000;
const ID = /^ins_[A-Za-z0-9_-]{8,64}$/;

export interface InstanceDeps {
  store: Pick<Store, 'instances'>;
  stateDir: string;
  log: Logger;
  now: () => number;
}

function previousId(stateDir: string, log: Logger): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(stateDir, INSTANCE_FILE), 'utf8').trim();
  } catch {
    return undefined; // the first start on this folder
  }
  if (ID.test(text)) return text;
  log.warn('ignoring an unreadable instance file', { path: join(stateDir, INSTANCE_FILE) });
  return undefined;
}

export class Instance {
  readonly id = `ins_${randomBytes(12).toString('base64url')}`;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<Error | undefined> | undefined;
  private last: { at: number; error: Error | undefined } = { at: -Infinity, error: undefined };

  private constructor(
    private readonly deps: InstanceDeps,
    /** The process that ran on this state folder before this one. */
    readonly previous: StoppedInstance | undefined,
  ) {}

  /** Reads who ran before, and beats once: a store that cannot be written stops start-up here. */
  static async start(deps: InstanceDeps): Promise<Instance> {
    const id = previousId(deps.stateDir, deps.log);
    const previous = id ? { id, aliveAt: await deps.store.instances.aliveAt(id) } : undefined;
    const instance = new Instance(deps, previous);
    const error = await instance.beat();
    if (error) throw error;
    instance.timer = setInterval(() => void instance.beat(), BEAT_EVERY_MS).unref();
    return instance;
  }

  /**
   * Once what the previous process left open is ended: forgets it, and names this process in the
   * state folder (written whole or not at all), so the next start ends what this one leaves.
   */
  async settle(): Promise<void> {
    if (this.previous) await this.deps.store.instances.forget(this.previous.id);
    const path = join(this.deps.stateDir, INSTANCE_FILE);
    writeFileSync(`${path}.tmp`, this.id + '\n', { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }

  /** Why the store cannot be written, or undefined when it took a write within the last second. */
  async writeProbe(): Promise<Error | undefined> {
    if (this.deps.now() - this.last.at < BEAT_EVERY_MS) return this.last.error;
    return this.beat();
  }

  /** A last heartbeat (the moment this process stopped), then no more. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beat();
  }

  /** One heartbeat at a time; a change between writable and not is logged once. */
  private beat(): Promise<Error | undefined> {
    this.beating ??= this.write().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async write(): Promise<Error | undefined> {
    const { store, log, now } = this.deps;
    const at = now();
    let error: Error | undefined;
    try {
      // Its own transaction (never inside atomic(): SQLite writes it on its write thread).
      await store.instances.beat(this.id, at);
    } catch (failure) {
      error = failure instanceof Error ? failure : new Error(String(failure));
    }
    if (error && !this.last.error) log.error('the store cannot be written', { error });
    if (!error && this.last.error) log.info('the store can be written again');
    this.last = { at, error };
    return error;
  }
}
