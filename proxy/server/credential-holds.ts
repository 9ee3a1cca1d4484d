/**
 * Whether the sign-in something was handed out under still holds: a portal session
 * (`session:<sid>`, read through the session cache) or a bearer token (`token:<id>`). Session
 * credentials the extension carries name the one they were minted under, so a logout, a
 * revoked token or an admin ending the person's sessions ends them too. Answers are kept for a
 * few seconds (the hot path asks on every request); an end this replica hears of (`forget`)
 * counts at once, one on another replica within `refreshMs`, like the session cache's.
 */
import type { SessionCache } from '../identity/session-cache.js';

const REFRESH_MS = 15_000;
const MAX_ENTRIES = 100_000;

export interface CredentialHoldsDeps {
  sessions: Pick<SessionCache, 'lookup'>;
  tokenLive(id: string): Promise<boolean>;
  now: () => number;
  refreshMs?: number;
}

export function createCredentialHolds(deps: CredentialHoldsDeps) {
  const checked = new Map<string, { holds: boolean; at: number }>();
  /**
   * Credentials ended on this replica (an ended sign-in never holds again): a check on its way
   * when one ended answers from before the end, and must not be kept as holding. Oldest dropped
   * first past MAX_ENTRIES (the store says so by then).
   */
  const ended = new Set<string>();
  const refreshMs = deps.refreshMs ?? REFRESH_MS;

  async function ask(credential: string, userId: string): Promise<boolean> {
    const [kind, id = ''] = credential.split(/:(.*)/s);
    if (kind === 'session') return (await deps.sessions.lookup(id))?.id === userId;
    if (kind === 'token') return deps.tokenLive(id);
    return false;
  }

  return {
    /** Whether `credential` (of `userId`) still holds; rejects when the store cannot say. */
    async holds(credential: string, userId: string): Promise<boolean> {
      const key = `${userId}\0${credential}`;
      const known = checked.get(key);
      if (known && deps.now() - known.at < refreshMs) return known.holds;
      const holds = (await ask(credential, userId)) && !ended.has(credential);
      if (checked.size >= MAX_ENTRIES) checked.clear();
      checked.set(key, { holds, at: deps.now() });
      return holds;
    },
    /** `credential` ended (logout, revoked token): whatever was minted under it ends now. */
    forget(credential: string): void {
      if (ended.size >= MAX_ENTRIES) ended.delete(ended.values().next().value ?? '');
      ended.add(credential);
      for (const key of checked.keys())
        if (key.slice(key.indexOf('\0') + 1) === credential)
          checked.set(key, { holds: false, at: deps.now() });
    },
  };
}

export type CredentialHolds = ReturnType<typeof createCredentialHolds>;
