/**
 * One-time codes, challenges and refresh tokens (OneTimeCodeRepository): kept in the store so
 * they survive a restart and redeem once across replicas. Only a hash of each secret is kept.
 * Expiries missed while jitgate was down are recorded at start-up (GrantRepository.claimExpired,
 * the same claim column as 014's claimExpiry), each only once; this indexes the unclaimed ones.
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
  CREATE INDEX grants_unrecorded_end ON grants (ends_at)
    WHERE revoked_at IS NULL AND expiry_recorded_at IS NULL;
  -- Grants that ended before this version were announced by the one that ran them.
  UPDATE grants SET expiry_recorded_at = ends_at WHERE ends_at <= CAST(strftime('%s', 'now') AS INTEGER) * 1000;
`;
