/**
 * The change feed on PostgreSQL: one LISTEN connection per replica, outside the pool. Writers
 * announce with pg_notify in the statement that writes (see notify.ts), so an announcement is
 * delivered exactly when, and only if, its transaction commits.
 *
 * The replica is current while this connection is known to be alive: it is probed every
 * PROBE_MS, and a probe confirms everything committed before it was sent. A probe unanswered for
 * DEAD_LINK_MS means a dead link: the feed starts over. When the connection
 * drops (PostgreSQL restarted, a network cut) the feed reconnects, LISTENs again, then has every
 * subscriber reload what it keeps in memory (it may have missed announcements meanwhile). Until
 * that reload is done and more than FEED_STALE_AFTER_MS has passed since the last confirmation,
 * isCurrent() is false and the gateway answers 503 instead of admitting on what may be stale.
 */
import type { PgConnection } from '../../shared/pg-driver.js';
import { CatchUpProbes } from './catch-up.js';
import {
  FEED_STALE_AFTER_MS,
  decodeChange,
  encodeChange,
  newOrigin,
  type ChangeFeed,
  type ChangeSubscriber,
  type StoreChange,
} from '../change-feed.js';

export const CHANGE_CHANNEL = 'jitgate_changes';
const PROBE_MS = 250;
/**
 * How long a probe may go unanswered before the link is taken for dead and the feed starts over.
 * Longer than the staleness bound on purpose: a replica is stale (503) as soon as a probe is late,
 * but a late answer is usually a busy database or a busy replica (a stalled event loop reads its
 * answer only after its timers ran), and ending that connection would turn a pause of a second into
 * a reconnect and a full reload. A connection that drops is seen at once (onEnd); this bound only
 * catches one that went silent.
 */
export const DEAD_LINK_MS = 5_000;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2_000;

export interface PgChangeFeedOptions {
  connect(): Promise<PgConnection>;
  /** Told when the feed loses or regains the database (for the log; must not throw). */
  onState?: (state: 'lost' | 'restored', error?: unknown) => void;
  /** Monotonic milliseconds (tests may pass their own). */
  clock?: () => number;
}

export class PgChangeFeed implements ChangeFeed {
  readonly origin = newOrigin();
  private readonly subscribers = new Set<ChangeSubscriber>();
  private readonly clock: () => number;
  private connection: PgConnection | undefined;
  /**
   * The connection whose reload is done: only its probes confirm. The new connection hears
   * announcements (and answers probes) while the reload runs, but until the reload is in, the
   * memory still holds what was missed while the feed was down.
   */
  private reloaded: PgConnection | undefined;
  /** When the last probe that found the feed whole was sent; -Infinity: never or not since. */
  private confirmedAt = Number.NEGATIVE_INFINITY;
  /**
   * The connection a probe is in flight on, and when it was sent. Per connection: a dead link's
   * probe may never settle, and must not keep the next connection from being probed.
   */
  private probing: PgConnection | undefined;
  private probeSentAt = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_FIRST_MS;
  private closed = false;
  /** Probes on the connection whose reload is done (none while the feed is down or reloading). */
  private readonly catchUps = new CatchUpProbes(
    () => (this.connection === this.reloaded ? this.connection : undefined),
    () => this.settled(),
  );

  constructor(private readonly options: PgChangeFeedOptions) {
    this.clock = options.clock ?? (() => performance.now());
  }

  async start(): Promise<void> {
    await this.connect();
    this.probeTimer = setInterval(() => this.probe(), PROBE_MS);
    this.probeTimer.unref();
  }

  subscribe(subscriber: ChangeSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  isCurrent(): boolean {
    return this.clock() - this.confirmedAt <= FEED_STALE_AFTER_MS;
  }

  /** See CatchUpProbes: a probe of its own on the LISTEN connection, then the reloads. */
  catchUp(): Promise<void> {
    return this.catchUps.catchUp();
  }

  restart(): void {
    // Ending the connection takes the one road back: reconnect, LISTEN, reload.
    void this.connection?.close().catch(() => undefined);
  }

  /** On the LISTEN connection: when it is down, the other replicas are not current either. */
  async announce(change: StoreChange): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new Error('the change feed is not connected');
    const payload = encodeChange(this.origin, change);
    await connection.query(`SELECT pg_notify('${CHANGE_CHANNEL}', $1)`, [payload]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probeTimer);
    clearTimeout(this.retryTimer);
    this.subscribers.clear();
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  /** LISTEN on a new connection, then reload: nothing committed after the LISTEN is missed. */
  private async connect(): Promise<void> {
    const connection = await this.options.connect();
    let alive = true;
    connection.onEnd((error) => {
      alive = false;
      if (this.connection !== connection) return;
      this.connection = undefined;
      this.options.onState?.('lost', error);
      this.scheduleReconnect();
    });
    connection.onNotification((channel, payload) => {
      if (channel === CHANGE_CHANNEL && this.connection === connection) this.deliver(payload);
    });
    try {
      await connection.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (!alive) throw new Error('the change feed connection ended while it started');
      const listeningAt = this.clock();
      this.connection = connection;
      await Promise.all([...this.subscribers].map((s) => s.resync()));
      if (this.connection !== connection) throw new Error('the change feed connection ended');
      this.reloaded = connection;
      this.confirmedAt = listeningAt;
      this.retryMs = RETRY_FIRST_MS;
    } catch (error) {
      if (this.connection === connection) this.connection = undefined;
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  private deliver(payload: string) {
    const decoded = decodeChange(payload);
    // Our own changes were applied where they were made.
    if (!decoded || decoded.origin === this.origin) return;
    for (const subscriber of this.subscribers) subscriber.changed(decoded.change);
  }

  private async settled(): Promise<void> {
    const settling: Promise<void>[] = [];
    for (const subscriber of this.subscribers)
      if (subscriber.settled) settling.push(subscriber.settled());
    await Promise.all(settling);
  }

  /** A round trip on the LISTEN connection: every NOTIFY committed before it has arrived. */
  private probe() {
    const connection = this.connection;
    if (connection !== this.reloaded) return;
    if (!connection || this.probing === connection) {
      if (connection && this.clock() - this.probeSentAt > DEAD_LINK_MS)
        void connection.close().catch(() => undefined);
      return;
    }
    this.probing = connection;
    const sentAt = this.clock();
    this.probeSentAt = sentAt;
    connection
      .query('SELECT 1')
      .then(
        () => {
          if (this.reloaded === connection && this.connection === connection)
            this.confirmedAt = Math.max(this.confirmedAt, sentAt);
        },
        () => void connection.close().catch(() => undefined),
      )
      .finally(() => {
        if (this.probing === connection) this.probing = undefined;
      });
  }

  private scheduleReconnect() {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closed) return;
      this.connect().then(
        () => this.options.onState?.('restored'),
        () => {
          this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
          this.scheduleReconnect();
        },
      );
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
