/**
 * Where offline commands (`jitgate audit`, `jitgate recordings`) find the store: a state folder
 * (SQLite), a config file (whatever its storage names), or `--postgres`, the PostgreSQL database
 * whose URL is in JITGATE_PG_URL: the URL carries a password, so it is never an argument that
 * `ps` would show. A PostgreSQL schema is only read, never migrated, by these commands.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import type { StorageConfig } from '../config/schema.js';
import { isPostgresUrl } from '../config/storage-url.js';
import type { Store } from '../store/types.js';
import { sqlitePathOf } from '../store/sqlite-path.js';
import { JitgateError } from '../shared/errors.js';
import { CliError, EXIT } from './exit-codes.js';
import { PG_URL_ENV } from './usage.js';

export const STORE_OPTIONS = {
  'state-dir': { type: 'string' },
  config: { type: 'string' },
  postgres: { type: 'boolean' },
} as const;

export interface OfflineStore {
  /** The state folder (recordings live there). */
  stateDir: string;
  open(): Promise<Store>;
}

export function offlineStore(
  values: { 'state-dir'?: string; config?: string; postgres?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): OfflineStore {
  const given = [values['state-dir'], values.config, values.postgres || undefined];
  if (given.filter((value) => value !== undefined).length > 1)
    throw new CliError('give one of --state-dir, --config, --postgres');
  let stateDir = resolve(values['state-dir'] ?? env.JITGATE_STATE_DIR ?? '.jitgate');
  let storage: StorageConfig = { driver: 'sqlite' };
  if (values.postgres) {
    const url = env[PG_URL_ENV]?.trim();
    if (!url) throw new CliError(`--postgres reads the database URL from ${PG_URL_ENV}: set it`);
    if (!isPostgresUrl(url)) throw new CliError(`${PG_URL_ENV} does not hold a postgresql:// URL`);
    storage = {
      driver: 'postgres',
      postgres: { url, poolSize: 2, statementTimeout: 60_000, connectTimeout: 10_000 },
    };
  } else if (values.config) {
    const config = loadConfigFile(values.config, env);
    stateDir = resolve(config.state.dir);
    storage = config.storage;
  }
  if (storage.driver === 'sqlite') {
    const path = sqlitePathOf(storage, stateDir);
    // Opening would create an empty database, which would then "verify" as intact.
    if (!existsSync(path))
      throw new CliError(
        `no jitgate database at ${path} (use --state-dir, --config or --postgres)`,
      );
  }
  return {
    stateDir,
    open: async () => {
      // Loaded here, not at start-up: every other command of the CLI starts without the drivers.
      const { openStore } = await import('../store/open-store.js');
      try {
        return await openStore(storage, stateDir, {
          migrate: false,
          applicationName: 'jitgate-cli',
        });
      } catch (error) {
        // The message says why (unreachable, not migrated, newer schema) and never the URL.
        const unreachable = error instanceof JitgateError && error.status === 503;
        const why = error instanceof Error ? error.message : String(error);
        throw new CliError(
          `cannot open the store: ${why}`,
          unreachable ? EXIT.unreachable : EXIT.usage,
        );
      }
    },
  };
}

/** Runs `work` on the store and closes it. */
export async function withOfflineStore<T>(
  location: OfflineStore,
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await location.open();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
