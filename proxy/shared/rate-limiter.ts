/**
 * Counting events per key (a client address) in fixed windows, in the store: every replica
 * counts against the same number, so N replicas behind a load balancer allow what one does.
 * Each event is one atomic upsert … RETURNING (RateLimitRepository.hit), so this is for what a
 * client without a session can cost (sign-in starts and failures), never the proxied hot path.
 * A window starts at a key's first event and ends `windowMs` later; ended windows are purged.
 */
import type { RateLimitRepository } from '../store/types.js';

export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface Hit {
  /** Events of the key in this window, this one included. */
  count: number;
  /** Whether this one is within the limit (count <= max). */
  allowed: boolean;
  /** Seconds until the window ends. */
  retryAfterS: number;
}

export class RateLimiter {
  constructor(
    readonly limit: RateLimit,
    /** Names this limit among others in the same store (keys are `scope:key`). */
    private readonly scope: string,
    private readonly counters: RateLimitRepository,
    private readonly now: () => number,
  ) {}

  /** Counts one event of `key` and says whether it is within the limit. */
  async hit(key: string): Promise<Hit> {
    const now = this.now();
    const { count, resetAt } = await this.counters.hit(this.keyOf(key), this.limit.windowMs, now);
    return { count, allowed: count <= this.limit.max, retryAfterS: retryAfter(resetAt, now) };
  }

  /**
   * Seconds until `key` may go on when it has used up its window (count >= max, so one more
   * event would be over); undefined while it has events left.
   */
  async blocked(key: string): Promise<number | undefined> {
    const now = this.now();
    const window = await this.counters.peek(this.keyOf(key), now);
    return window && window.count >= this.limit.max ? retryAfter(window.resetAt, now) : undefined;
  }

  /**
   * `hit(key)` unless `guard` has blocked `key` (see blocked()): then nothing is counted here and
   * the guard's wait is returned. One store call for the check and the count.
   */
  async hitUnlessBlocked(
    key: string,
    guard: RateLimiter,
  ): Promise<{ hit: Hit } | { blockedS: number }> {
    const now = this.now();
    const result = await this.counters.hitUnlessSpent(this.keyOf(key), this.limit.windowMs, now, {
      key: guard.keyOf(key),
      max: guard.limit.max,
    });
    if ('spent' in result) return { blockedS: retryAfter(result.spent.resetAt, now) };
    const { count, resetAt } = result.hit;
    return {
      hit: { count, allowed: count <= this.limit.max, retryAfterS: retryAfter(resetAt, now) },
    };
  }

  private keyOf(key: string): string {
    return `${this.scope}:${key}`;
  }
}

const retryAfter = (resetAt: number, now: number) => Math.max(1, Math.ceil((resetAt - now) / 1000));
