/** SQLite implementation of SettingRepository. */
import type { SettingRepository } from '../types.js';
import { text } from './rows.js';
import type { SqliteDatabase } from './database.js';

export function createSettingRepository(db: SqliteDatabase): SettingRepository {
  return {
    get: async (name) => {
      const row = db.get('SELECT value FROM settings WHERE name = ?', [name]);
      return row ? text(row, 'value') : undefined;
    },
    putIfAbsent: async (name, value) =>
      db.transaction(() => {
        db.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [
          name,
          value,
        ]);
        return text(
          db.get('SELECT value FROM settings WHERE name = ?', [name]) ?? { value },
          'value',
        );
      }),
  };
}
