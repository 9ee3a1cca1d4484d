/**
 * express-session's store, backed by jitgate's Store. Sessions end at the earlier of the absolute
 * lifetime (from login) and the idle timeout (from last use); the cookie itself carries no expiry.
 * Destroying a session tells the gateway's cache at once.
 *
 * express-session saves new and loaded sessions through the same `set`. Here they part: a session
 * this store handed out (loaded from a row) is only ever updated, so a request that loaded it
 * before a logout or a new id cannot write it back; only a session express-session generated
 * itself (a fresh random id) is inserted.
 */
import type { Request } from 'express';
import session from 'express-session';
import type { SessionRepository } from '../store/types.js';
import { sessionUserFromJson } from './session-user.js';

export interface SessionLifetime {
  maxAgeMs: number;
  idleTimeoutMs: number;
  now: () => number;
}

export function sessionExpiry(data: string, lifetime: SessionLifetime): number {
  const now = lifetime.now();
  const idle = now + lifetime.idleTimeoutMs;
  const loginAt = sessionUserFromJson(data)?.loginAt;
  // Before login (a login waiting for its second factor) a session lives just long enough to
  // finish logging in.
  if (loginAt === undefined) return Math.min(idle, now + 15 * 60_000);
  return Math.min(idle, loginAt + lifetime.maxAgeMs);
}

type Callback = (error?: unknown) => void;

export class JitgateSessionStore extends session.Store {
  /** Session objects that have a row: loaded from the store, or inserted by this process. */
  private readonly stored = new WeakSet<object>();

  constructor(
    private readonly sessions: SessionRepository,
    private readonly lifetime: SessionLifetime,
    private readonly onDestroy: (sid: string) => void,
  ) {
    super();
  }

  override get(sid: string, callback: (error: unknown, data?: session.SessionData | null) => void) {
    this.sessions.get(sid).then(
      (row) => {
        if (!row || row.expiresAt <= this.lifetime.now()) return callback(null, null);
        try {
          callback(null, JSON.parse(row.data) as session.SessionData);
        } catch {
          callback(null, null);
        }
      },
      (error: unknown) => callback(error),
    );
  }

  /** Every session object express-session builds from a stored row passes through here. */
  override createSession(req: Request, data: session.SessionData): session.Session {
    const created = super.createSession(req, data);
    this.stored.add(created);
    return created;
  }

  override set(sid: string, data: session.SessionData, callback?: Callback) {
    const json = JSON.stringify(data);
    const row = { id: sid, data: json, expiresAt: sessionExpiry(json, this.lifetime) };
    // A session that has a row is updated, never re-inserted: if it ended meanwhile (logout, a
    // new id), the update finds nothing and the request goes on without bringing it back.
    const write = this.stored.has(data)
      ? this.sessions.update(row, this.lifetime.now()).then(() => undefined)
      : this.sessions.create(row).then((created) => {
          if (!created) throw new Error('a new session id is taken');
          this.stored.add(data);
        });
    write.then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback) {
    const expiresAt = sessionExpiry(JSON.stringify(data), this.lifetime);
    this.sessions.touch(sid, expiresAt, this.lifetime.now()).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  override destroy(sid: string, callback?: Callback) {
    this.onDestroy(sid);
    this.sessions.destroy(sid).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }
}
