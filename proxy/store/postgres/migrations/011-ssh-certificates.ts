/**
 * SSH user certificates jitgate issued (proxy/terminal/cert-record.ts): the revocation list every
 * replica publishes is made from them. Serials and times only, never a key.
 */
export const SSH_CERTIFICATES = `
  CREATE TABLE ssh_certificates (
    serial TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    session_id TEXT,
    key_id TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('relay', 'direct')),
    created_at BIGINT NOT NULL,
    valid_before BIGINT NOT NULL,
    ended_at BIGINT
  );
  CREATE INDEX ssh_certificates_valid ON ssh_certificates (valid_before);
  CREATE INDEX ssh_certificates_session ON ssh_certificates (session_id) WHERE ended_at IS NULL;
`;
