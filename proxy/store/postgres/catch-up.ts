/**
 * How a replica catches up with the change feed before it refuses someone (ChangeFeed.catchUp):
 * a round trip on the LISTEN connection, after which every NOTIFY committed before it was sent
 * has arrived (and `changed` has queued its reload), then those reloads. A probe already in
 * flight may have been sent before the write the caller waits to see committed, so each caller
 * waits for a probe sent after it asked; callers asking together share it. Gives up after
 * FEED_STALE_AFTER_MS: a refusal is not held longer than the feed may go unconfirmed.
 */
import type { PgConnection } from '../../shared/pg-driver.js';
import { FEED_STALE_AFTER_MS } from '../change-feed.js';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class CatchUpProbes {
  private waiters: Waiter[] = [];
  /** The connection a probe is in flight on: per connection, as a dead link's may never settle. */
  private probing: PgConnection | undefined;

  /**
   * @param current the LISTEN connection whose reload is done; undefined while there is none
   * @param settled resolves once the changes heard so far are applied
   */
  constructor(
    private readonly current: () => PgConnection | undefined,
    private readonly settled: () => Promise<void>,
  ) {}

  catchUp(): Promise<void> {
    const heard = new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.probe();
    });
    const applied = heard.then(() => this.settled());
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the change feed did not answer in time')),
        FEED_STALE_AFTER_MS,
      );
    });
    return Promise.race([applied, late]).finally(() => clearTimeout(timer));
  }

  private probe() {
    if (this.waiters.length === 0) return;
    const connection = this.current();
    if (connection && this.probing === connection) return;
    const waiters = this.waiters;
    this.waiters = [];
    if (!connection) {
      const error = new Error('the change feed is reconnecting');
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    this.probing = connection;
    connection
      .query('SELECT 1')
      .then(
        () => waiters.forEach((waiter) => waiter.resolve()),
        (error: unknown) =>
          waiters.forEach((waiter) =>
            waiter.reject(error instanceof Error ? error : new Error(String(error))),
          ),
      )
      .finally(() => {
        if (this.probing === connection) this.probing = undefined;
        this.probe();
      });
  }
}
