/**
 * A person's newest grants by index (GrantRepository.listForUser reads a bounded few): with the
 * index on user_id alone, 20,000 grants of one CI identity were sorted on every read. PostgreSQL
 * has had (user_id, created_at) since its first migration.
 */
export const GRANTS_BY_USER = `
  DROP INDEX grants_user;
  CREATE INDEX grants_user ON grants (user_id, created_at);
`;
