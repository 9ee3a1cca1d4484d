/** Access requests and their approvals; claims kept for policy conditions. */
export const REQUESTS = `
  CREATE TABLE access_requests (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    resource_id TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    reason TEXT,
    ticket TEXT,
    start_at BIGINT,
    state TEXT NOT NULL,
    policy_id TEXT,
    approvals_required INTEGER NOT NULL,
    policy_reasons_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT,
    comment TEXT,
    grant_id TEXT
  );
  CREATE UNIQUE INDEX access_requests_one_pending ON access_requests (user_id, resource_id)
    WHERE state = 'pending';
  CREATE INDEX access_requests_state ON access_requests (state, expires_at);
  CREATE INDEX access_requests_user ON access_requests (user_id, created_at);
  CREATE INDEX access_requests_created ON access_requests (created_at);
  CREATE INDEX access_requests_grant ON access_requests (grant_id);
  CREATE TABLE request_approvals (
    request_id TEXT NOT NULL REFERENCES access_requests (id),
    approver_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    comment TEXT,
    duration_ms BIGINT,
    at BIGINT NOT NULL,
    PRIMARY KEY (request_id, approver_id)
  );
  ALTER TABLE users ADD COLUMN claims_json TEXT NOT NULL DEFAULT '{}';
`;
