/**
 * PostgreSQL implementation of RecordingRepository: the cast in bytea chunks (migration 021),
 * each written as a binary parameter of its own and read back one at a time (`chunks`), so a
 * replica that plays back or verifies another's recording never holds it whole.
 */
import type { RecordingRepository } from '../types.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { bytes, int, optionalText, text } from './rows.js';

const RECORDING_CHUNK_BYTES = 4 * 1024 * 1024;

export function createRecordingRepository(db: PgDatabase): RecordingRepository {
  // Chunk by chunk: bytea arrives as hex text, twice its size, so one query for all would hold
  // twice the recording on top of it. The recordings row is only visible once all are committed.
  async function* chunksOf(id: string, row: PgRow): AsyncGenerator<Buffer> {
    const base64 = optionalText(row, 'cast_base64');
    if (base64 !== null) {
      yield Buffer.from(base64, 'base64');
      return;
    }
    for (let seq = 0; ; seq++) {
      const chunk = await db.get(
        'SELECT bytes FROM recording_chunks WHERE recording_id = $1 AND seq = $2',
        [id, seq],
      );
      if (!chunk) return;
      yield bytes(chunk, 'bytes');
    }
  }
  const rowOf = (id: string) =>
    db.get('SELECT id, cast_base64, signature, stored_at FROM recordings WHERE id = $1', [id]);
  return {
    // One transaction: another replica's put of the same id waits on the row and keeps ours.
    put: (recording) =>
      db.transaction(async () => {
        const kept = await db.run(
          `INSERT INTO recordings (id, cast_base64, signature, stored_at) VALUES ($1, NULL, $2, $3)
             ON CONFLICT (id) DO NOTHING`,
          [recording.id, recording.signature, recording.storedAt],
        );
        if (kept !== 1) return false;
        const { cast } = recording;
        for (let seq = 0; seq === 0 || seq * RECORDING_CHUNK_BYTES < cast.length; seq++) {
          const chunk = cast.subarray(
            seq * RECORDING_CHUNK_BYTES,
            (seq + 1) * RECORDING_CHUNK_BYTES,
          );
          await db.run(
            'INSERT INTO recording_chunks (recording_id, seq, bytes) VALUES ($1, $2, $3)',
            [recording.id, seq, chunk],
          );
        }
        return true;
      }),
    get: async (id) => {
      const row = await rowOf(id);
      if (!row) return undefined;
      const pieces: Buffer[] = [];
      for await (const piece of chunksOf(id, row)) pieces.push(piece);
      const cast = Buffer.concat(pieces);
      return {
        id: text(row, 'id'),
        cast,
        signature: text(row, 'signature'),
        storedAt: int(row, 'stored_at'),
      };
    },
    signature: async (id) => {
      const row = await db.get('SELECT signature FROM recordings WHERE id = $1', [id]);
      return row ? text(row, 'signature') : undefined;
    },
    async *chunks(id) {
      const row = await rowOf(id);
      if (row) yield* chunksOf(id, row);
    },
  };
}
