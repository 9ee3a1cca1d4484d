/** Users, grants, sessions and settings: the walking skeleton's tables. Times are epoch ms. */
export const CORE = `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    idp TEXT NOT NULL,
    subject TEXT NOT NULL,
    username TEXT NOT NULL,
    email TEXT,
    name TEXT,
    groups_json TEXT NOT NULL,
    kind TEXT NOT NULL,
    last_login_at BIGINT NOT NULL
  );
  CREATE INDEX users_username ON users (lower(username));
  CREATE INDEX users_email ON users (lower(email));
  CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    resource_id TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    reason TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by TEXT
  );
  CREATE INDEX grants_live ON grants (ends_at) WHERE revoked_at IS NULL;
  CREATE INDEX grants_user ON grants (user_id, created_at);
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX sessions_expiry ON sessions (expires_at);
  CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
`;
