/**
 * SAML logins (identity/saml-record.ts): the AuthnRequests browsers started and the assertions
 * already used, each with its expiry (epoch ms). The same tables as PostgreSQL's 012.
 */
export const SAML = `
  CREATE TABLE saml_requests (
    id TEXT PRIMARY KEY,
    idp TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    return_to TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX saml_requests_expiry ON saml_requests (expires_at);
  CREATE TABLE saml_assertions (
    key TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX saml_assertions_expiry ON saml_assertions (expires_at);
`;
