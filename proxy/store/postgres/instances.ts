/** PostgreSQL implementation of InstanceRepository. */
import type { InstanceRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { int } from './rows.js';

export function createInstanceRepository(db: PgDatabase): InstanceRepository {
  return {
    beat: async (id, at) => {
      await db.run(
        `INSERT INTO instances (id, started_at, alive_at) VALUES ($1, $2, $2)
           ON CONFLICT (id) DO UPDATE SET alive_at = excluded.alive_at`,
        [id, at],
      );
    },
    aliveAt: async (id) => {
      const row = await db.get('SELECT alive_at FROM instances WHERE id = $1', [id]);
      return row ? int(row, 'alive_at') : undefined;
    },
    forget: async (id) => {
      await db.run('DELETE FROM instances WHERE id = $1', [id]);
    },
  };
}
