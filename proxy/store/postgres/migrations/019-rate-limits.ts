/**
 * Sign-in rate limits (RateLimitRepository): one row per counted key (a limit and a client
 * address) with its fixed window, so every replica counts against the same number.
 */
export const RATE_LIMITS = `
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    reset_at BIGINT NOT NULL
  );
  CREATE INDEX rate_limits_reset ON rate_limits (reset_at);
`;
