/** The SQLite file a config means: storage.sqlitePath, else jitgate.db in the state folder. */
import { resolve } from 'node:path';
import type { StorageConfig } from '../config/schema.js';

export const sqlitePathOf = (storage: StorageConfig, stateDir: string): string =>
  resolve(storage.sqlitePath ?? resolve(stateDir, 'jitgate.db'));
