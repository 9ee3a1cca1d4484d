/** SQLite implementation of RateLimitRepository. */
import type { RateLimitCount, RateLimitRepository } from '../types.js';
import type { SqlRow, SqliteDatabase } from './database.js';
import { int } from './rows.js';

const toCount = (row: SqlRow): RateLimitCount => ({
  count: int(row, 'count'),
  resetAt: int(row, 'reset_at'),
});

export function createRateLimitRepository(db: SqliteDatabase): RateLimitRepository {
  // One statement: a window that ended starts over at this event.
  const hit = (key: string, windowMs: number, now: number): RateLimitCount => {
    const row = db.get(
      `INSERT INTO rate_limits (key, count, reset_at) VALUES (?, 1, ?)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_limits.reset_at <= ? THEN 1 ELSE rate_limits.count + 1 END,
         reset_at = CASE WHEN rate_limits.reset_at <= ? THEN excluded.reset_at
           ELSE rate_limits.reset_at END
       RETURNING count, reset_at`,
      [key, now + windowMs, now, now],
    );
    if (!row) throw new Error('the rate limit counter was not written');
    return toCount(row);
  };
  const peek = (key: string, now: number): RateLimitCount | undefined => {
    const row = db.get('SELECT count, reset_at FROM rate_limits WHERE key = ? AND reset_at > ?', [
      key,
      now,
    ]);
    return row ? toCount(row) : undefined;
  };
  return {
    hit: async (key, windowMs, now) => hit(key, windowMs, now),
    // One transaction: the guard read and the count are one unit for every process on the file.
    hitUnlessSpent: async (key, windowMs, now, guard) =>
      db.transaction(() => {
        const spent = peek(guard.key, now);
        return spent && spent.count >= guard.max ? { spent } : { hit: hit(key, windowMs, now) };
      }),
    peek: async (key, now) => peek(key, now),
    purgeExpired: async (now) =>
      db.run('DELETE FROM rate_limits WHERE reset_at <= ?', [now]).changes,
  };
}
