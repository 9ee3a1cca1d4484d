/**
 * The store as this replica first sees it: opened (and migrated), this process's instance
 * registered, the session secret shared by every replica, and the change feed listening before
 * anything is loaded from it.
 */
import { randomBytes } from 'node:crypto';
import { GrantBook } from '../access/grant-book.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { Instance } from './instance.js';

export interface StoreStartupDeps {
  config: Config;
  stateDir: string;
  /** The folder of this process's own files (start-options.ts). */
  instanceDir: string;
  log: Logger;
  now: () => number;
}

export interface StartedStore {
  /** The store itself; access-wiring.ts wraps it so grants are read with pending ends applied. */
  store: Store;
  instance: Instance;
  /** Signs cookies and derives purpose keys; one for every replica on the store. */
  secret: string;
  /** Empty until loaded; known current only while the change feed is. */
  book: GrantBook;
}

export async function openReplicaStore(deps: StoreStartupDeps): Promise<StartedStore> {
  const { log, now } = deps;
  const store = await openStore(deps.config.storage, deps.stateDir, { log });
  // This process's id and heartbeat; a store that cannot be written stops start-up here.
  const instance = await Instance.start({ store, stateDir: deps.instanceDir, log, now });
  const secret = await store.settings.putIfAbsent(
    'session_secret_v1',
    randomBytes(32).toString('base64url'),
  );
  // LISTEN before anything is loaded: no change committed after the loads that follow in
  // start.ts goes unheard.
  await store.changes.start();
  const book = new GrantBook(store.changes);
  return { store, instance, secret, book };
}
