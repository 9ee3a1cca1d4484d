/**
 * SAML logins (identity/saml-record.ts): the AuthnRequests browsers started and the assertions
 * already used, each with its expiry. IF NOT EXISTS: areas add migrations in parallel, and this
 * one must be safe to meet twice should the list be reordered before release.
 */
export const SAML = `
  CREATE TABLE IF NOT EXISTS saml_requests (
    id TEXT PRIMARY KEY,
    idp TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    return_to TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS saml_requests_expiry ON saml_requests (expires_at);
  CREATE TABLE IF NOT EXISTS saml_assertions (
    key TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS saml_assertions_expiry ON saml_assertions (expires_at);
`;
