/**
 * Processes and what they leave open, as in SQLite's 010. `instances` holds each running
 * jitgate's heartbeat (its last moment known alive). Trail rows of long exchanges are written
 * when they open and replaced when they end, found again by the writing instance and a number it
 * gave them (`open_seq`); the partial unique index holds only those rows. `ended` says how an
 * exchange ended (older rows ran to their end, as far as anyone knows). Terminal sessions name
 * the instance that runs them, so a restart ends only its own. Adding a column with a constant
 * default rewrites nothing (PostgreSQL 11+).
 */
export const INSTANCES = `
  CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    alive_at BIGINT NOT NULL
  );
  ALTER TABLE trail_requests ADD COLUMN ended TEXT NOT NULL DEFAULT 'complete'
    CHECK (ended IN ('complete', 'cut', 'open', 'crashed'));
  ALTER TABLE trail_requests ADD COLUMN instance TEXT;
  ALTER TABLE trail_requests ADD COLUMN open_seq BIGINT;
  CREATE UNIQUE INDEX trail_requests_open
    ON trail_requests (instance, open_seq) WHERE open_seq IS NOT NULL;
  ALTER TABLE terminal_sessions ADD COLUMN instance TEXT;
`;
