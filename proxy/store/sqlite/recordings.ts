/** SQLite implementation of RecordingRepository (the cast is kept as base64 text). */
import type { RecordingRepository } from '../types.js';
import type { SqliteDatabase } from './database.js';
import { int, text } from './rows.js';

export function createRecordingRepository(db: SqliteDatabase): RecordingRepository {
  return {
    put: async (recording) =>
      db.run(
        `INSERT INTO recordings (id, cast_base64, signature, stored_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO NOTHING`,
        [recording.id, recording.cast.toString('base64'), recording.signature, recording.storedAt],
      ).changes === 1,
    get: async (id) => {
      const row = db.get('SELECT * FROM recordings WHERE id = ?', [id]);
      if (!row) return undefined;
      return {
        id: text(row, 'id'),
        cast: Buffer.from(text(row, 'cast_base64'), 'base64'),
        signature: text(row, 'signature'),
        storedAt: int(row, 'stored_at'),
      };
    },
    signature: async (id) => {
      const row = db.get('SELECT signature FROM recordings WHERE id = ?', [id]);
      return row ? text(row, 'signature') : undefined;
    },
    async *chunks(id) {
      const row = db.get('SELECT cast_base64 FROM recordings WHERE id = ?', [id]);
      if (row) yield Buffer.from(text(row, 'cast_base64'), 'base64');
    },
  };
}
