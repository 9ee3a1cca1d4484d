/**
 * Terminal sessions watched and terminated from any replica, as in SQLite's 017.
 * `terminal_stops`: one request to end a live session, naming who asked (the first one wins).
 * `terminal_watches`: which replica watches which session, until when (renewed while it does).
 * `terminal_output`: the last chunks a holder published for watchers elsewhere, in `seq` order;
 * readers hear of new ones through the change feed and read them here (a NOTIFY payload is too
 * small, and too precious on the one LISTEN connection, to carry terminal output).
 */
export const TERMINAL_RELAY = `
  CREATE TABLE terminal_stops (
    session_id TEXT PRIMARY KEY,
    by_user TEXT NOT NULL,
    message TEXT NOT NULL,
    asked_at BIGINT NOT NULL
  );
  CREATE TABLE terminal_watches (
    session_id TEXT NOT NULL,
    instance TEXT NOT NULL,
    until BIGINT NOT NULL,
    PRIMARY KEY (session_id, instance)
  );
  CREATE TABLE terminal_output (
    seq BIGSERIAL PRIMARY KEY,
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('output', 'control')),
    data TEXT NOT NULL,
    published_at BIGINT NOT NULL
  );
  CREATE INDEX terminal_output_session ON terminal_output (session_id, seq);
`;
