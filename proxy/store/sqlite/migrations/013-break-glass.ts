/**
 * Break-glass grants: the grant is marked on its own row (so it shows as break-glass wherever a
 * grant shows), and `break_glass` keeps the incident, the reason and the post-hoc review.
 */
export const BREAK_GLASS = `
  ALTER TABLE grants ADD COLUMN break_glass INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE IF NOT EXISTS break_glass (
    grant_id TEXT PRIMARY KEY REFERENCES grants(id),
    user_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    incident TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    review_due_at INTEGER NOT NULL,
    overdue_flagged_at INTEGER,
    reviewer_id TEXT,
    verdict TEXT CHECK (verdict IN ('justified', 'not_justified')),
    review_comment TEXT,
    reviewed_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS break_glass_unreviewed ON break_glass (review_due_at)
    WHERE reviewed_at IS NULL;
  CREATE INDEX IF NOT EXISTS break_glass_created ON break_glass (created_at);
  -- A CLI token issued after a fresh MFA step-up carries it (jitgate login --step-up).
  ALTER TABLE api_tokens ADD COLUMN step_up_at INTEGER;
`;
