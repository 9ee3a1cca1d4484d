/** PostgreSQL implementation of SettingRepository. */
import type { SettingRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { text } from './rows.js';

export function createSettingRepository(db: PgDatabase): SettingRepository {
  const get = async (name: string) => {
    const row = await db.get('SELECT value FROM settings WHERE name = $1', [name]);
    return row ? text(row, 'value') : undefined;
  };
  return {
    get,
    // Two statements, not one: after waiting on a concurrent insert of the same name, the
    // INSERT does nothing, and only a new statement's snapshot sees the value that won.
    putIfAbsent: async (name, value) => {
      const inserted = await db.get(
        'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value',
        [name, value],
      );
      return inserted ? text(inserted, 'value') : ((await get(name)) ?? value);
    },
  };
}
