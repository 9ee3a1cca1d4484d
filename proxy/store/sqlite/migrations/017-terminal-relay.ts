/**
 * Terminal sessions watched and terminated from any replica (as PostgreSQL's 017; on SQLite one
 * process holds every session, so these tables stay empty there in practice). `terminal_stops`:
 * one request to end a live session, naming who asked. `terminal_watches`: which replica watches
 * which session, until when. `terminal_output`: the last chunks a holder published for watchers
 * elsewhere, in `seq` order.
 */
export const TERMINAL_RELAY = `
  CREATE TABLE IF NOT EXISTS terminal_stops (
    session_id TEXT PRIMARY KEY,
    by_user TEXT NOT NULL,
    message TEXT NOT NULL,
    asked_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS terminal_watches (
    session_id TEXT NOT NULL,
    instance TEXT NOT NULL,
    until INTEGER NOT NULL,
    PRIMARY KEY (session_id, instance)
  );
  CREATE TABLE IF NOT EXISTS terminal_output (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('output', 'control')),
    data TEXT NOT NULL,
    published_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS terminal_output_session ON terminal_output (session_id, seq);
`;
