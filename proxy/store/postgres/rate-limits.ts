/** PostgreSQL implementation of RateLimitRepository. */
import type { PgRow } from '../../shared/pg-driver.js';
import type { RateLimitCount, RateLimitRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { int } from './rows.js';

const toCount = (row: PgRow): RateLimitCount => ({
  count: int(row, 'count'),
  resetAt: int(row, 'reset_at'),
});

export function createRateLimitRepository(db: PgDatabase): RateLimitRepository {
  return {
    // One statement (the conflicting row is locked for it): concurrent hits from every replica
    // are each counted once, and a window that ended starts over at this event.
    hit: async (key, windowMs, now) => {
      const row = await db.get(
        `INSERT INTO rate_limits (key, count, reset_at) VALUES ($1, 1, $3)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_limits.reset_at <= $2 THEN 1 ELSE rate_limits.count + 1 END,
           reset_at = CASE WHEN rate_limits.reset_at <= $2 THEN excluded.reset_at
             ELSE rate_limits.reset_at END
         RETURNING count, reset_at`,
        [key, now, now + windowMs],
      );
      if (!row) throw new Error('the rate limit counter was not written');
      return toCount(row);
    },
    peek: async (key, now) => {
      const row = await db.get(
        'SELECT count, reset_at FROM rate_limits WHERE key = $1 AND reset_at > $2',
        [key, now],
      );
      return row ? toCount(row) : undefined;
    },
    purgeExpired: async (now) => db.run('DELETE FROM rate_limits WHERE reset_at <= $1', [now]),
  };
}
