/**
 * SQLite implementation of TerminalRelayRepository. One process holds every session here, so
 * nothing is announced (the in-process feed never calls) and these tables stay all but empty;
 * the repository still behaves as PostgreSQL's does, as the store contract checks.
 */
import {
  RELAY_CHUNKS_KEPT,
  STOP_REQUEST_KEPT_MS,
  type RelayChunk,
  type TerminalRelayRepository,
} from '../../terminal/relay-record.js';
import type { SqliteDatabase } from './database.js';
import { int, text } from './rows.js';

export function createTerminalRelayRepository(db: SqliteDatabase): TerminalRelayRepository {
  return {
    requestStop: async (id, stop) =>
      db.run(
        `INSERT INTO terminal_stops (session_id, by_user, message, asked_at)
           SELECT id, ?, ?, ? FROM terminal_sessions WHERE id = ? AND state = 'live'
           ON CONFLICT (session_id) DO NOTHING`,
        [stop.by, stop.message, stop.at, id],
      ).changes === 1,
    stopRequest: async (id) => {
      const row = db.get('SELECT * FROM terminal_stops WHERE session_id = ?', [id]);
      return row
        ? { by: text(row, 'by_user'), message: text(row, 'message'), at: int(row, 'asked_at') }
        : undefined;
    },
    purgeStops: async (now) =>
      db.run(
        `DELETE FROM terminal_stops WHERE asked_at <= ? OR NOT EXISTS (
           SELECT 1 FROM terminal_sessions
             WHERE id = terminal_stops.session_id AND state = 'live')`,
        [now - STOP_REQUEST_KEPT_MS],
      ).changes,
    watch: async (sessionId, instance, until) => {
      db.run(
        `INSERT INTO terminal_watches (session_id, instance, until) VALUES (?, ?, ?)
           ON CONFLICT (session_id, instance) DO UPDATE SET until = excluded.until`,
        [sessionId, instance, until],
      );
    },
    unwatch: async (sessionId, instance) => {
      db.run('DELETE FROM terminal_watches WHERE session_id = ? AND instance = ?', [
        sessionId,
        instance,
      ]);
    },
    watchers: async (sessionId) =>
      db
        .all(
          'SELECT instance, until FROM terminal_watches WHERE session_id = ? ORDER BY instance',
          [sessionId],
        )
        .map((row) => ({ instance: text(row, 'instance'), until: int(row, 'until') })),
    publish: async (sessionId, chunks, at) => {
      if (chunks.length === 0) return;
      db.transaction(() => {
        for (const chunk of chunks)
          db.run(
            `INSERT INTO terminal_output (session_id, kind, data, published_at)
               VALUES (?, ?, ?, ?)`,
            [sessionId, chunk.kind, chunk.data, at],
          );
        db.run(
          `DELETE FROM terminal_output WHERE session_id = ? AND seq <= COALESCE((
             SELECT seq FROM terminal_output WHERE session_id = ?
               ORDER BY seq DESC LIMIT 1 OFFSET ?), 0)`,
          [sessionId, sessionId, RELAY_CHUNKS_KEPT],
        );
      });
    },
    chunksAfter: async (sessionId, afterSeq, limit) =>
      db
        .all(
          `SELECT seq, kind, data FROM terminal_output WHERE session_id = ? AND seq > ?
             ORDER BY seq LIMIT ?`,
          [sessionId, afterSeq, limit],
        )
        .map((row): RelayChunk => ({
          seq: int(row, 'seq'),
          kind: text(row, 'kind') as RelayChunk['kind'],
          data: text(row, 'data'),
        })),
    lastSeq: async (sessionId) =>
      int(
        db.get('SELECT COALESCE(max(seq), 0) AS seq FROM terminal_output WHERE session_id = ?', [
          sessionId,
        ]) ?? { seq: 0 },
        'seq',
      ),
    clear: async (sessionId) => {
      db.transaction(() => {
        db.run('DELETE FROM terminal_watches WHERE session_id = ?', [sessionId]);
        db.run('DELETE FROM terminal_output WHERE session_id = ?', [sessionId]);
      });
    },
  };
}
