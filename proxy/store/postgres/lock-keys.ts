/**
 * Every PostgreSQL advisory lock jitgate takes, in one table so no two uses collide. Keys are the
 * two-int form (space, id): the space is jitgate's ("jit" in ASCII), so other applications that
 * share the database and use advisory locks do not meet ours.
 */
export const LOCK_SPACE = 0x6a6974;

export type LockKey = readonly [space: number, id: number];

export const LOCKS = {
  /** Held (session lock) while migrations run: replicas starting together migrate one by one. */
  migrate: [LOCK_SPACE, 1],
  /**
   * Held (transaction lock) by every Store.atomic transaction of every replica: atomic work is
   * serialized across processes as SQLite serializes it in one, which keeps the audit chain's
   * "read the last event, append the next" from forking and read-then-write work exact.
   */
  atomic: [LOCK_SPACE, 2],
  /** Held (session lock) while one replica runs a job that must run once (Store.exclusive). */
  retention: [LOCK_SPACE, 3],
  reaper: [LOCK_SPACE, 4],
} as const satisfies Record<string, LockKey>;
