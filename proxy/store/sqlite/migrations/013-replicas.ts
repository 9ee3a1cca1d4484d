/**
 * As PostgreSQL's 013: a grant's expiry is recorded once (the claim column). One process uses
 * SQLite, but the repository contract is the same on both.
 */
export const REPLICAS = `
  ALTER TABLE grants ADD COLUMN expiry_recorded_at INTEGER;
`;
