/**
 * Whose session a row is: the `user.id` in express-session's JSON, or, before sign-in, the id of
 * the person whose login waits there for its second factor (`mfaLogin.user.id`); null for any
 * other session (or when the JSON is not what jitgate writes). Both store backends keep it in
 * `sessions.user_id` on every write, so all of a person's sessions can be ended at once: a login
 * half-way through MFA too, or a code typed after "end all sessions" would still finish it.
 */
export function sessionOwner(data: string): string | null {
  try {
    const parsed = JSON.parse(data) as {
      user?: { id?: unknown };
      mfaLogin?: { user?: { id?: unknown } };
    } | null;
    const id = parsed?.user?.id ?? parsed?.mfaLogin?.user?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
