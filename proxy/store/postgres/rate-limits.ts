/** PostgreSQL implementation of RateLimitRepository. */
import type { PgRow } from '../../shared/pg-driver.js';
import type { RateLimitCount, RateLimitRepository } from '../types.js';
import type { PgDatabase } from './database.js';
import { int } from './rows.js';

const toCount = (row: PgRow): RateLimitCount => ({
  count: int(row, 'count'),
  resetAt: int(row, 'reset_at'),
});

/**
 * Counts one event of key $1 at $2, inserting `row` (key, 1, the window's end $3) when the key
 * has no row. One statement (the conflicting row is locked for it): concurrent hits from every
 * replica are each counted once, and a window that ended starts over at this event.
 */
const countHit = (row: string) => `
  INSERT INTO rate_limits (key, count, reset_at) ${row}
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_limits.reset_at <= $2 THEN 1 ELSE rate_limits.count + 1 END,
    reset_at = CASE WHEN rate_limits.reset_at <= $2 THEN excluded.reset_at
      ELSE rate_limits.reset_at END
  RETURNING count, reset_at`;

const HIT = countHit('VALUES ($1, 1, $3)');

/**
 * The same hit unless the guard key $4 has a live window with $5 events or more. One statement
 * answers one row: the count (`hit`), or the guard's window (`spent`) when nothing was counted.
 */
const GUARDED_HIT = `
  WITH spent AS (
    SELECT count, reset_at FROM rate_limits
    WHERE key = $4::text AND reset_at > $2::bigint AND count >= $5::integer
  ), hit AS (${countHit('SELECT $1::text, 1, $3::bigint WHERE NOT EXISTS (SELECT 1 FROM spent)')})
  SELECT 'hit' AS outcome, count, reset_at FROM hit
  UNION ALL
  SELECT 'spent', count, reset_at FROM spent`;

export function createRateLimitRepository(db: PgDatabase): RateLimitRepository {
  return {
    hit: async (key, windowMs, now) => {
      const row = await db.get(HIT, [key, now, now + windowMs]);
      if (!row) throw new Error('the rate limit counter was not written');
      return toCount(row);
    },
    hitUnlessSpent: async (key, windowMs, now, guard) => {
      const row = await db.get(GUARDED_HIT, [key, now, now + windowMs, guard.key, guard.max]);
      if (!row) throw new Error('the rate limit counter was not written');
      return row.outcome === 'spent' ? { spent: toCount(row) } : { hit: toCount(row) };
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
