/**
 * What several replicas need: a grant's expiry is recorded by whichever replica claims it first
 * (UPDATE … WHERE expiry_recorded_at IS NULL), so there is one grant.expired event however many
 * replicas saw the grant end; sealed terminal recordings are kept here, so every replica plays
 * back and verifies them, not only the one whose disk they were written to.
 */
export const REPLICAS = `
  ALTER TABLE grants ADD COLUMN expiry_recorded_at BIGINT;
  CREATE TABLE recordings (
    id TEXT PRIMARY KEY,
    cast_base64 TEXT NOT NULL,
    signature TEXT NOT NULL,
    stored_at BIGINT NOT NULL
  );
`;
