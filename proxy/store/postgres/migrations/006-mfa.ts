/**
 * Second factors: one row per factor of any type, its secret sealed by the MFA key; recovery
 * codes as keyed hashes; the failure count that drives the lockout. last_used_step is BIGINT: a
 * WebAuthn signature counter may use all 32 bits.
 */
export const MFA = `
  CREATE TABLE mfa_factors (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    type TEXT NOT NULL CHECK (type IN ('totp', 'webauthn')),
    name TEXT NOT NULL,
    secret_enc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_step BIGINT,
    confirmed_at BIGINT
  );
  CREATE INDEX mfa_factors_user ON mfa_factors (user_id, created_at);
  CREATE TABLE mfa_recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
  );
  CREATE TABLE mfa_failures (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    count INTEGER NOT NULL,
    locked_until BIGINT
  );
`;
