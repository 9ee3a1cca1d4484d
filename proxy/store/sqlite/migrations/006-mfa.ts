/**
 * Second factors (identity/mfa): one row per factor of any type, with its secret sealed by the
 * MFA key (a copy of the database alone opens nothing); recovery codes as keyed hashes; and the
 * failure count that drives the lockout.
 */
export const MFA = `
  CREATE TABLE mfa_factors (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    type TEXT NOT NULL CHECK (type IN ('totp', 'webauthn')),
    name TEXT NOT NULL,
    secret_enc TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_step INTEGER,
    confirmed_at INTEGER
  );
  CREATE INDEX mfa_factors_user ON mfa_factors (user_id);
  CREATE TABLE mfa_recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
  );
  CREATE TABLE mfa_failures (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    count INTEGER NOT NULL,
    locked_until INTEGER
  );
`;
