/**
 * Bearer tokens for non-browser clients (CLI, extension). Only the SHA-256 of a token is kept,
 * so a copy of the database lets nobody call the API; the hash is unique, which makes the lookup
 * itself the comparison (no secret is compared byte by byte in JavaScript).
 */
export const TOKENS = `
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    user_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER
  );
  CREATE INDEX api_tokens_user ON api_tokens (user_id);
`;
