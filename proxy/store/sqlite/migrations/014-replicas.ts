/**
 * As PostgreSQL's 013: a grant's expiry is recorded once (the claim column), and sealed
 * recordings are kept in the store. One process uses SQLite, but the repository contract is the
 * same on both.
 */
export const REPLICAS = `
  ALTER TABLE grants ADD COLUMN expiry_recorded_at INTEGER;
  CREATE TABLE recordings (
    id TEXT PRIMARY KEY,
    cast_base64 TEXT NOT NULL,
    signature TEXT NOT NULL,
    stored_at INTEGER NOT NULL
  );
`;
