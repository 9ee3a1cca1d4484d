/**
 * Picks the store the config names: SQLite in the state folder (the default, one process) or
 * PostgreSQL (several replicas on one database). The composition root and the offline CLI
 * commands open their store here and nowhere else.
 */
import type { StorageConfig } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { sqlitePathOf } from './sqlite-path.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export async function openStore(
  storage: StorageConfig,
  stateDir: string,
  options: { applicationName?: string; migrate?: boolean; log?: Logger } = {},
): Promise<Store> {
  const log = options.log ? { log: options.log } : {};
  if (storage.driver === 'sqlite') return openSqliteStore(sqlitePathOf(storage, stateDir), log);
  const postgres = storage.postgres;
  // The loader fills the URL from urlEnv/urlFile; a config built without the loader has none.
  if (!postgres?.url) throw new Error('storage.postgres has no URL (load the config to read it)');
  return openPostgresStore({
    url: postgres.url,
    poolSize: postgres.poolSize,
    statementTimeoutMs: postgres.statementTimeout,
    connectTimeoutMs: postgres.connectTimeout,
    ...(options.applicationName ? { applicationName: options.applicationName } : {}),
    ...(options.migrate === false ? { migrate: false } : {}),
    ...log,
  });
}
