/** Database roles jitgate created for grants (proxy/credentials/): names and times, never a password. */
export const CREDENTIALS = `
  CREATE TABLE credential_roles (
    role TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL,
    grant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    valid_until BIGINT NOT NULL,
    dropped_at BIGINT
  );
  CREATE INDEX credential_roles_standing ON credential_roles (created_at) WHERE dropped_at IS NULL;
  CREATE INDEX credential_roles_grant ON credential_roles (grant_id) WHERE dropped_at IS NULL;
`;
