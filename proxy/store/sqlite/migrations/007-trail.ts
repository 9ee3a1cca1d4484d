/**
 * The web session trail: one row per forwarded request or WebSocket. Rows are history, so they
 * name their grant without a foreign key (checking one on every insert would cost the hot
 * write path for nothing: grants are never deleted). Every index costs each insert (measured
 * ~0.4 µs per index per row), so there are two: a grant's rows in time order (the timeline, and a
 * person's rows through their grants) and all rows in time order (search, retention).
 */
export const TRAIL = `
  CREATE TABLE trail_requests (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    grant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('http', 'websocket')),
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    status INTEGER NOT NULL,
    bytes_in INTEGER NOT NULL,
    bytes_out INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    upstream TEXT NOT NULL,
    client_address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    ws_messages_in INTEGER NOT NULL,
    ws_messages_out INTEGER NOT NULL,
    body_json TEXT
  );
  CREATE INDEX trail_requests_grant_time ON trail_requests (grant_id, time);
  CREATE INDEX trail_requests_time ON trail_requests (time);
`;
