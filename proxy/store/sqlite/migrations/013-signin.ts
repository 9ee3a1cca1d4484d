/**
 * One-time codes, challenges and refresh tokens (OneTimeCodeRepository): kept in the store so
 * they survive a restart and redeem once across replicas. Only a hash of each secret is kept.
 */
export const SIGNIN = `
  CREATE TABLE one_time_codes (
    kind TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    user_id TEXT,
    payload TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (kind, code_hash)
  );
  CREATE INDEX one_time_codes_expiry ON one_time_codes (expires_at);
  CREATE INDEX one_time_codes_user ON one_time_codes (user_id) WHERE user_id IS NOT NULL;
`;
