/**
 * Database roles jitgate created for grants (proxy/credentials/). Names and times only, never a
 * password. IF NOT EXISTS: areas add migrations in parallel, and this one must be safe to meet
 * twice should the list be reordered before release.
 */
export const CREDENTIALS = `
  CREATE TABLE IF NOT EXISTS credential_roles (
    role TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL,
    grant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    dropped_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS credential_roles_standing ON credential_roles (dropped_at, created_at);
  CREATE INDEX IF NOT EXISTS credential_roles_grant ON credential_roles (grant_id);
`;
