/**
 * In-memory view of logged-in sessions for the gateway's hot path: one store read per session
 * per refresh interval instead of one per request. Logout invalidates an entry at once; entries
 * are re-read after `refreshMs` so a session ended elsewhere does not linger. Activity on app
 * hosts keeps the session alive (throttled store touches).
 */
import { sessionDigest } from '../store/change-feed.js';
import type { SessionRepository } from '../store/types.js';
import { sessionExpiry, type SessionLifetime } from './session-store.js';
import { sessionUserFromJson, type SessionUser } from './session-user.js';

interface Entry {
  user: SessionUser | undefined;
  data: string;
  expiresAt: number;
  loadedAt: number;
  touchedAt: number;
}

export interface SessionCacheOptions extends SessionLifetime {
  refreshMs?: number;
  touchEveryMs?: number;
  maxEntries?: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** Session ids by their digest: how other replicas name a session they ended. */
  private readonly byDigest = new Map<string, string>();
  private readonly loading = new Map<string, Promise<Entry | undefined>>();
  private readonly refreshMs: number;
  private readonly touchEveryMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly options: SessionCacheOptions,
  ) {
    this.refreshMs = options.refreshMs ?? 15_000;
    this.touchEveryMs = options.touchEveryMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /**
   * The user of a live session: at once (no promise) from a fresh entry in memory, the hot
   * path's case; else a promise of the store's answer, which rejects when the store fails.
   */
  lookup(sid: string): SessionUser | undefined | Promise<SessionUser | undefined> {
    const now = this.options.now();
    const entry = this.entries.get(sid);
    if (entry && now - entry.loadedAt <= this.refreshMs) return this.userOf(sid, entry, now);
    return this.load(sid).then((loaded) => this.userOf(sid, loaded, now));
  }

  private userOf(sid: string, entry: Entry | undefined, now: number): SessionUser | undefined {
    if (!entry || entry.expiresAt <= now) return undefined;
    if (now - entry.touchedAt > this.touchEveryMs) this.touch(sid, entry, now);
    return entry.user;
  }

  invalidate(sid: string): void {
    this.forget(sid);
    // A store read already on its way may predate the logout: it still answers the lookups
    // waiting on it, but must not put the session back in the cache.
    this.loading.delete(sid);
  }

  /** Another replica ended the session with this digest (change-feed.ts). */
  invalidateDigest(digest: string): void {
    const sid = this.byDigest.get(digest);
    if (sid !== undefined) this.invalidate(sid);
  }

  /** Forgets every session (the change feed may have missed some ends). */
  clear(): void {
    for (const sid of [...this.entries.keys(), ...this.loading.keys()]) this.invalidate(sid);
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(sid: string, entry: Entry, now: number) {
    entry.touchedAt = now;
    entry.expiresAt = sessionExpiry(entry.data, this.options);
    // A failed touch only shortens the session; the next request retries.
    this.sessions.touch(sid, entry.expiresAt, now).catch(() => {
      entry.touchedAt = 0;
    });
  }

  private load(sid: string): Promise<Entry | undefined> {
    const existing = this.loading.get(sid);
    if (existing) return existing;
    // Known by its digest from the moment it is asked for: another replica may end it while
    // this first read is on its way back, and must be able to stop the read filling the cache.
    const digest = sessionDigest(sid);
    this.byDigest.set(digest, sid);
    const pending: Promise<Entry | undefined> = this.sessions
      .get(sid)
      .then((row) => {
        const invalidated = this.loading.get(sid) !== pending;
        if (!row) {
          if (!invalidated) this.forget(sid);
          return undefined;
        }
        const now = this.options.now();
        const entry: Entry = {
          user: sessionUserFromJson(row.data),
          data: row.data,
          expiresAt: row.expiresAt,
          loadedAt: now,
          touchedAt: now,
        };
        if (invalidated) return entry;
        if (this.entries.size >= this.maxEntries) this.evictOldest();
        this.entries.set(sid, entry);
        this.byDigest.set(digest, sid);
        return entry;
      })
      .finally(() => {
        if (this.loading.get(sid) === pending) this.loading.delete(sid);
        // Neither kept nor being read (missing, failed or invalidated): no longer named.
        if (!this.entries.has(sid) && !this.loading.has(sid)) this.byDigest.delete(digest);
      });
    this.loading.set(sid, pending);
    return pending;
  }

  private evictOldest() {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.forget(oldest.value);
  }

  private forget(sid: string) {
    this.entries.delete(sid);
    this.byDigest.delete(sessionDigest(sid));
  }
}
