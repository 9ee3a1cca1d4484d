/** Break-glass grants, as in SQLite's 013. */
export const BREAK_GLASS = `
  ALTER TABLE grants ADD COLUMN break_glass BOOLEAN NOT NULL DEFAULT FALSE;
  CREATE TABLE break_glass (
    grant_id TEXT PRIMARY KEY REFERENCES grants(id),
    user_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    incident TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    review_due_at BIGINT NOT NULL,
    overdue_flagged_at BIGINT,
    reviewer_id TEXT,
    verdict TEXT CHECK (verdict IN ('justified', 'not_justified')),
    review_comment TEXT,
    reviewed_at BIGINT
  );
  CREATE INDEX break_glass_unreviewed ON break_glass (review_due_at) WHERE reviewed_at IS NULL;
  CREATE INDEX break_glass_created ON break_glass (created_at);
  ALTER TABLE api_tokens ADD COLUMN step_up_at BIGINT;
`;
