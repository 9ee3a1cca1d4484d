/**
 * Whether the sign-in something was handed out under still holds: a portal session
 * (`session:<sid>`, read through the session cache) or a bearer token (`token:<id>`). Session
 * credentials the extension carries name the one they were minted under, so a logout, a
 * revoked token or an admin ending the person's sessions ends them too. Answers are kept for a
 * few seconds (the hot path asks on every request); an end this replica makes (`forget`) counts
 * at once, and so does one another replica makes: its write is announced on the change feed
 * (a session by its digest, a token by its id), and the answers kept for it are dropped when
 * that arrives, or all of them when the feed starts over (it may have missed some).
 */
import type { SessionCache } from '../identity/session-cache.js';
import { sessionDigest, type ChangeFeed } from '../store/change-feed.js';

const REFRESH_MS = 15_000;
const MAX_ENTRIES = 100_000;

export interface CredentialHoldsDeps {
  sessions: Pick<SessionCache, 'lookup'>;
  tokenLive(id: string): Promise<boolean>;
  now: () => number;
  refreshMs?: number;
  /** The other replicas' session and token writes (absent: one process, nothing to hear). */
  changes?: Pick<ChangeFeed, 'subscribe'>;
}

/**
 * Another replica changed the sign-in the feed names `name` (`announcedAs`), or (undefined) the
 * feed started over and any may have changed.
 */
export type ChangedElsewhere = (name: string | undefined) => void;

interface Answer {
  holds: boolean;
  at: number;
  /** How the change feed names the credential: `session:<digest>` or `token:<id>`. */
  announcedAs: string;
}

/** `session:<sid>` → `session:<digest of sid>` (the feed never carries a session id). */
export function announcedAs(credential: string): string {
  const [kind, id = ''] = credential.split(/:(.*)/s);
  return kind === 'session' ? `session:${sessionDigest(id)}` : credential;
}

export function createCredentialHolds(deps: CredentialHoldsDeps) {
  const checked = new Map<string, Answer>();
  /**
   * Credentials ended on this replica (an ended sign-in never holds again): a check on its way
   * when one ended answers from before the end, and must not be kept as holding. Oldest dropped
   * first past MAX_ENTRIES (the store says so by then).
   */
  const ended = new Set<string>();
  /**
   * Counts the answers dropped because another replica changed a sign-in: a check on its way
   * across such a drop may have read the store before that write, so its answer is not kept.
   */
  let dropped = 0;
  /** Told after answers were dropped for another replica's change (see `onChangedElsewhere`). */
  const changedElsewhere = new Set<ChangedElsewhere>();
  const refreshMs = deps.refreshMs ?? REFRESH_MS;

  async function ask(credential: string, userId: string): Promise<boolean> {
    const [kind, id = ''] = credential.split(/:(.*)/s);
    if (kind === 'session') return (await deps.sessions.lookup(id))?.id === userId;
    if (kind === 'token') return deps.tokenLive(id);
    return false;
  }

  /** Drops the answers kept for the credential the feed names `name` (all when undefined). */
  function drop(name: string | undefined) {
    dropped++;
    if (name === undefined) checked.clear();
    else for (const [key, answer] of checked) if (answer.announcedAs === name) checked.delete(key);
    changedElsewhere.forEach((listener) => listener(name));
  }

  deps.changes?.subscribe({
    changed(change) {
      if (change.kind === 'session') drop(`session:${change.digest}`);
      else if (change.kind === 'token') drop(`token:${change.id}`);
    },
    resync() {
      drop(undefined);
      return Promise.resolve();
    },
  });

  return {
    /** Whether `credential` (of `userId`) still holds; rejects when the store cannot say. */
    async holds(credential: string, userId: string): Promise<boolean> {
      const key = `${userId}\0${credential}`;
      const known = checked.get(key);
      if (known && deps.now() - known.at < refreshMs) return known.holds;
      const droppedBefore = dropped;
      const holds = (await ask(credential, userId)) && !ended.has(credential);
      if (dropped !== droppedBefore) return holds;
      if (checked.size >= MAX_ENTRIES) checked.clear();
      checked.set(key, { holds, at: deps.now(), announcedAs: announcedAs(credential) });
      return holds;
    },
    /**
     * `listener` is told when another replica changed a sign-in (or the feed started over): what
     * runs here under sign-ins (terminal sessions, event streams) asks again then, not at its
     * next turn.
     */
    onChangedElsewhere(listener: ChangedElsewhere): () => void {
      changedElsewhere.add(listener);
      return () => changedElsewhere.delete(listener);
    },
    /** `credential` ended (logout, revoked token): whatever was minted under it ends now. */
    forget(credential: string): void {
      if (ended.size >= MAX_ENTRIES) ended.delete(ended.values().next().value ?? '');
      ended.add(credential);
      for (const [key, answer] of checked)
        if (key.slice(key.indexOf('\0') + 1) === credential) answer.holds = false;
    },
  };
}

export type CredentialHolds = ReturnType<typeof createCredentialHolds>;
