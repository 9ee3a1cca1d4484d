/** Terminal sessions for the auditors' list: newest first, by person, by resource, over time. */
export const TERMINAL = `
  CREATE TABLE terminal_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    login TEXT NOT NULL,
    grant_id TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('web', 'cli')),
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT,
    state TEXT NOT NULL CHECK (state IN ('live', 'ended')),
    recording_state TEXT NOT NULL
      CHECK (recording_state IN ('recording', 'complete', 'recovered', 'failed', 'off')),
    recording TEXT,
    checksum TEXT,
    bytes BIGINT
  );
  CREATE INDEX terminal_sessions_started ON terminal_sessions (started_at);
  CREATE INDEX terminal_sessions_user ON terminal_sessions (user_id, started_at);
  CREATE INDEX terminal_sessions_resource ON terminal_sessions (resource_id, started_at);
`;
