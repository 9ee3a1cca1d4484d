/**
 * What several replicas need to do some work once: a grant's expiry is recorded by whichever
 * replica claims it first (UPDATE … WHERE expiry_recorded_at IS NULL), so there is one
 * grant.expired event however many replicas saw the grant end.
 */
export const REPLICAS = `
  ALTER TABLE grants ADD COLUMN expiry_recorded_at BIGINT;
`;
