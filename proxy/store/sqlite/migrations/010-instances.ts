/**
 * Processes and what they leave open. `instances` holds each running jitgate's heartbeat (its
 * last moment known alive). Trail rows of long exchanges are written when they open and replaced
 * when they end, found again by the writing instance and a number it gave them (`open_seq`); the
 * partial index holds only those rows, so ordinary inserts pay nothing for it. `ended` says how
 * an exchange ended (rows written before this migration all ran to their end, as far as anyone
 * knows). Terminal sessions name the instance that runs them, so a restart ends only its own.
 */
export const INSTANCES = `
  CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY,
    started_at INTEGER NOT NULL,
    alive_at INTEGER NOT NULL
  );
  ALTER TABLE trail_requests ADD COLUMN ended TEXT NOT NULL DEFAULT 'complete'
    CHECK (ended IN ('complete', 'cut', 'open', 'crashed'));
  ALTER TABLE trail_requests ADD COLUMN instance TEXT;
  ALTER TABLE trail_requests ADD COLUMN open_seq INTEGER;
  CREATE UNIQUE INDEX IF NOT EXISTS trail_requests_open
    ON trail_requests (instance, open_seq) WHERE open_seq IS NOT NULL;
  ALTER TABLE terminal_sessions ADD COLUMN instance TEXT;
`;
