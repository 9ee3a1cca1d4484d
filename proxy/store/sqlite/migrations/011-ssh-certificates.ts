/**
 * SSH user certificates jitgate issued (proxy/terminal/cert-record.ts): the revocation list is
 * made from them. IF NOT EXISTS: areas add migrations in parallel, and this one must be safe to
 * meet twice should the list be reordered before release.
 */
export const SSH_CERTIFICATES = `
  CREATE TABLE IF NOT EXISTS ssh_certificates (
    serial TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    session_id TEXT,
    key_id TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('relay', 'direct')),
    created_at INTEGER NOT NULL,
    valid_before INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS ssh_certificates_valid ON ssh_certificates (valid_before);
  CREATE INDEX IF NOT EXISTS ssh_certificates_session ON ssh_certificates (session_id);
`;
