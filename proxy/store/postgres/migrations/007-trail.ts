/**
 * The web session trail: one row per forwarded request or WebSocket, history without foreign
 * keys (grants are never deleted). Two indexes, as in SQLite: a grant's rows in time order and
 * all rows in time order. duration_ms is DOUBLE PRECISION (REAL would round it).
 */
export const TRAIL = `
  CREATE TABLE trail_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time BIGINT NOT NULL,
    grant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('http', 'websocket')),
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    status INTEGER NOT NULL,
    bytes_in BIGINT NOT NULL,
    bytes_out BIGINT NOT NULL,
    duration_ms DOUBLE PRECISION NOT NULL,
    upstream TEXT NOT NULL,
    client_address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    ws_messages_in BIGINT NOT NULL,
    ws_messages_out BIGINT NOT NULL,
    body_json TEXT
  );
  CREATE INDEX trail_requests_grant_time ON trail_requests (grant_id, time, id);
  CREATE INDEX trail_requests_time ON trail_requests (time, id);
`;
