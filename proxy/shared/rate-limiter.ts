/**
 * Counting events per key (a client address) in fixed windows, in this process's memory: a
 * limit here is per replica, so N replicas behind a load balancer let a client through up to N
 * times the limit. That bounds what a client without a session can cost, which is the point;
 * it is not an access decision. The number of keys is bounded too: when full, the oldest key is
 * forgotten (a flood from many addresses cannot grow memory without end).
 */
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

interface Window {
  count: number;
  resetAt: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one event of `key` and says whether it is within the limit. */
  hit(key: string): Hit {
    const window = this.current(key, true);
    window.count++;
    const { count } = window;
    return { count, allowed: count <= this.limit.max, retryAfterS: this.retryAfter(window) };
  }

  /**
   * Seconds until `key` may go on when it has used up its window (count >= max, so one more
   * event would be over); undefined while it has events left.
   */
  blocked(key: string): number | undefined {
    const window = this.current(key, false);
    return window && window.count >= this.limit.max ? this.retryAfter(window) : undefined;
  }

  get size(): number {
    return this.windows.size;
  }

  private current(key: string, create: true): Window;
  private current(key: string, create: false): Window | undefined;
  private current(key: string, create: boolean): Window | undefined {
    const now = this.now();
    let window = this.windows.get(key);
    if (window && window.resetAt <= now) {
      this.windows.delete(key);
      window = undefined;
    }
    if (window || !create) return window;
    if (this.windows.size >= this.maxKeys) this.evict(now);
    window = { count: 0, resetAt: now + this.limit.windowMs };
    this.windows.set(key, window);
    return window;
  }

  private retryAfter(window: Window): number {
    return Math.max(1, Math.ceil((window.resetAt - this.now()) / 1000));
  }

  /** Drops ended windows; when none has ended, the oldest key. */
  private evict(now: number) {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    if (this.windows.size < this.maxKeys) return;
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}
