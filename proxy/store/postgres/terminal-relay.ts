/**
 * PostgreSQL implementation of TerminalRelayRepository. Each write another replica must hear of
 * announces itself in the statement that makes it (notify.ts): the stop request and a watch with
 * their row, the end of a watch, a batch of output and the clearing once, whatever they wrote.
 */
import {
  RELAY_CHUNKS_KEPT,
  STOP_REQUEST_KEPT_MS,
  type RelayChunk,
  type TerminalRelayRepository,
} from '../../terminal/relay-record.js';
import { CHANGE_CHANNEL } from './change-feed.js';
import type { PgDatabase } from './database.js';
import { announced, type Announce } from './notify.js';
import { int, text } from './rows.js';

/** `write` run once, then one announcement, whether or not it wrote a row. */
const thenAnnounce = (write: string, payloadParam: number) =>
  `WITH written AS (${write}) SELECT pg_notify('${CHANGE_CHANNEL}', $${payloadParam}::text)`;

export function createTerminalRelayRepository(
  db: PgDatabase,
  announce: Announce,
): TerminalRelayRepository {
  const change = (id: string) => announce({ kind: 'terminal', id });
  return {
    requestStop: async (id, stop) =>
      (await db.run(
        announced(
          `INSERT INTO terminal_stops (session_id, by_user, message, asked_at)
             SELECT id, $2, $3, $4 FROM terminal_sessions WHERE id = $1 AND state = 'live'
             ON CONFLICT (session_id) DO NOTHING RETURNING session_id`,
          5,
        ),
        [id, stop.by, stop.message, stop.at, change(id)],
      )) === 1,
    stopRequest: async (id) => {
      const row = await db.get('SELECT * FROM terminal_stops WHERE session_id = $1', [id]);
      return row
        ? { by: text(row, 'by_user'), message: text(row, 'message'), at: int(row, 'asked_at') }
        : undefined;
    },
    // Not announced: nobody acts on a stop request going away.
    purgeStops: async (now) =>
      db.run(
        `DELETE FROM terminal_stops WHERE asked_at <= $1 OR NOT EXISTS (
           SELECT 1 FROM terminal_sessions
             WHERE id = terminal_stops.session_id AND state = 'live')`,
        [now - STOP_REQUEST_KEPT_MS],
      ),
    watch: async (sessionId, instance, until) => {
      await db.run(
        announced(
          `INSERT INTO terminal_watches (session_id, instance, until) VALUES ($1, $2, $3)
             ON CONFLICT (session_id, instance) DO UPDATE SET until = excluded.until
             RETURNING session_id`,
          4,
        ),
        [sessionId, instance, until, change(sessionId)],
      );
    },
    unwatch: async (sessionId, instance) => {
      await db.run(
        thenAnnounce(
          'DELETE FROM terminal_watches WHERE session_id = $1 AND instance = $2 RETURNING 1',
          3,
        ),
        [sessionId, instance, change(sessionId)],
      );
    },
    watchers: async (sessionId) =>
      (
        await db.all(
          'SELECT instance, until FROM terminal_watches WHERE session_id = $1 ORDER BY instance',
          [sessionId],
        )
      ).map((row) => ({ instance: text(row, 'instance'), until: int(row, 'until') })),
    publish: async (sessionId, chunks, at) => {
      if (chunks.length === 0) return;
      await db.run(
        thenAnnounce(
          `INSERT INTO terminal_output (session_id, kind, data, published_at)
             SELECT $1, c.kind, c.data, $4 FROM unnest($2::text[], $3::text[])
               WITH ORDINALITY AS c(kind, data, n) ORDER BY c.n RETURNING seq`,
          5,
        ),
        [sessionId, chunks.map((c) => c.kind), chunks.map((c) => c.data), at, change(sessionId)],
      );
      await db.run(
        `DELETE FROM terminal_output WHERE session_id = $1 AND seq <= COALESCE((
           SELECT seq FROM terminal_output WHERE session_id = $1
             ORDER BY seq DESC OFFSET $2 LIMIT 1), 0)`,
        [sessionId, RELAY_CHUNKS_KEPT],
      );
    },
    chunksAfter: async (sessionId, afterSeq, limit) =>
      (
        await db.all(
          `SELECT seq, kind, data FROM terminal_output WHERE session_id = $1 AND seq > $2
             ORDER BY seq LIMIT $3`,
          [sessionId, afterSeq, limit],
        )
      ).map((row): RelayChunk => ({
        seq: int(row, 'seq'),
        kind: text(row, 'kind') as RelayChunk['kind'],
        data: text(row, 'data'),
      })),
    lastSeq: async (sessionId) => {
      const row = await db.get(
        'SELECT COALESCE(max(seq), 0) AS seq FROM terminal_output WHERE session_id = $1',
        [sessionId],
      );
      return row ? int(row, 'seq') : 0;
    },
    // One statement: the announcement goes out once both are gone (a watcher then finds the
    // session's row ended and says so).
    clear: async (sessionId) => {
      await db.run(
        `WITH watches AS (DELETE FROM terminal_watches WHERE session_id = $1 RETURNING 1),
           output AS (DELETE FROM terminal_output WHERE session_id = $1 RETURNING 1)
         SELECT pg_notify('${CHANGE_CHANNEL}', $2::text)`,
        [sessionId, change(sessionId)],
      );
    },
  };
}
