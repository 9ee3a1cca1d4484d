/**
 * Whose session a row is: the `user.id` in express-session's JSON, or null before sign-in (or
 * when the JSON is not what jitgate writes). Both store backends keep it in `sessions.user_id`
 * on every write, so all of a person's sessions can be ended at once.
 */
export function sessionOwner(data: string): string | null {
  try {
    const parsed = JSON.parse(data) as { user?: { id?: unknown } } | null;
    const id = parsed?.user?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
