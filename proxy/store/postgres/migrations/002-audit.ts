/**
 * The hash-chained audit log. seq is the primary key, so two appends that read the same last
 * event cannot both land: the chain fails closed instead of forking. (Appends are serialized
 * across replicas by the atomic lock; this is the backstop.) data_json is TEXT, not JSONB:
 * verify must read back exactly the text that was hashed.
 */
export const AUDIT = `
  CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    time BIGINT NOT NULL,
    code TEXT NOT NULL,
    actor TEXT NOT NULL,
    target TEXT,
    reason TEXT,
    data_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_events_code ON audit_events (code, seq);
  CREATE INDEX audit_events_actor ON audit_events (actor, seq);
  CREATE INDEX audit_events_target ON audit_events (target, seq);
  CREATE INDEX audit_events_time ON audit_events (time);
`;
