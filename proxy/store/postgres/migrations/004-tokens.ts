/**
 * Bearer tokens for non-browser clients (CLI, extension). Only the SHA-256 of a token is kept;
 * the hash is unique, which makes the lookup itself the comparison.
 */
export const TOKENS = `
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    user_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
  );
  CREATE INDEX api_tokens_user ON api_tokens (user_id);
`;
