/** SQLite implementation of InstanceRepository. */
import type { InstanceRepository } from '../types.js';
import type { SqliteDatabase } from './database.js';
import { int } from './rows.js';

export function createInstanceRepository(db: SqliteDatabase): InstanceRepository {
  return {
    beat: async (id, at) => {
      db.run(
        `INSERT INTO instances (id, started_at, alive_at) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET alive_at = excluded.alive_at`,
        [id, at, at],
      );
    },
    aliveAt: async (id) => {
      const row = db.get('SELECT alive_at FROM instances WHERE id = ?', [id]);
      return row ? int(row, 'alive_at') : undefined;
    },
    forget: async (id) => {
      db.run('DELETE FROM instances WHERE id = ?', [id]);
    },
  };
}
