/**
 * Ending what a person holds, and starting grants when they start. Sessions name their person
 * (`user_id`, read from the session's JSON on every write), so an admin can end all of them at
 * once (SessionRepository.destroyByUser). Grants get the time their start was recorded
 * (GrantRepository.claimStarted): a grant scheduled for later is announced when it starts, once,
 * by one replica, also when it started while jitgate was down.
 */
export const SESSION_ENDS = `
  ALTER TABLE sessions ADD COLUMN user_id TEXT;
  UPDATE sessions SET user_id = (data::jsonb -> 'user' ->> 'id');
  CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
  ALTER TABLE grants ADD COLUMN start_recorded_at BIGINT;
  -- Grants made before this version were announced when they were made.
  UPDATE grants SET start_recorded_at = created_at;
  CREATE INDEX grants_unrecorded_start ON grants (starts_at)
    WHERE revoked_at IS NULL AND start_recorded_at IS NULL;
`;
