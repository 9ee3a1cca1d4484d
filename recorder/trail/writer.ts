/**
 * The trail's bounded batching queue. `push` is O(1) and never blocks or throws: the gateway calls
 * it after each exchange. Records reach the sink in batches of at most `maxBatch`, at the latest
 * `flushMs` after they were queued (≤ 1 s: a crash loses at most the last second). The queue is
 * bounded in records and in weight (bodies); when it is full, new records are dropped and counted,
 * never buffered without limit. A failed write is tried again `retryMs` later, full batches or
 * not: a store that is down is asked once per retry, not in a loop. `close()` writes everything
 * still queued (clean shutdown).
 */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface TrailWriterOptions<T> {
  /** Writes one batch (one transaction). A rejection keeps the batch queued for a retry. */
  sink(batch: T[]): Promise<void>;
  maxBatch: number;
  /** The longest a record waits, ms; at most 1000. */
  flushMs: number;
  /** After a failed write, how long until the next attempt, ms (default 1000). */
  retryMs?: number;
  /** The most records waiting; past it new records are dropped. */
  capacity: number;
  /** The most total weight waiting (e.g. bytes of bodies); past it new records are dropped. */
  maxWeight?: number;
  weigh?(record: T): number;
  /** Told, at most once per flush, how many records were dropped since the last report. */
  onDrop?(count: number): void;
  /** The sink failed; `queued` records wait for the next attempt. */
  onError?(error: unknown, queued: number): void;
  timers?: Timers;
}

const realTimers: Timers = {
  // unref: a pending flush must not keep a finished process alive (close() flushes).
  set: (callback, ms) => setTimeout(callback, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class TrailWriter<T> {
  /** Batches in queue order; only the last one is still being filled. */
  private readonly batches: T[][] = [];
  private queuedCount = 0;
  private weight = 0;
  private droppedSinceReport = 0;
  private timer: unknown;
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** The last write failed: nothing hurries the next attempt. */
  private failing = false;
  private readonly timers: Timers;
  dropped = 0;
  written = 0;

  constructor(private readonly options: TrailWriterOptions<T>) {
    if (options.flushMs > 1000) throw new RangeError('flushMs must be at most 1000');
    this.timers = options.timers ?? realTimers;
  }

  private get retryMs(): number {
    return this.options.retryMs ?? 1000;
  }

  get queued(): number {
    return this.queuedCount;
  }

  push(record: T): void {
    const w = this.options.weigh?.(record) ?? 0;
    if (
      this.closed ||
      this.queuedCount >= this.options.capacity ||
      (this.options.maxWeight !== undefined && this.weight + w > this.options.maxWeight)
    ) {
      this.dropped++;
      this.droppedSinceReport++;
      return this.arm(this.options.flushMs);
    }
    let last = this.batches[this.batches.length - 1];
    if (!last || last.length >= this.options.maxBatch) {
      last = [];
      this.batches.push(last);
    }
    last.push(record);
    this.queuedCount++;
    this.weight += w;
    // A full batch goes out on the next turn of the event loop, not inside the caller's turn.
    if (this.failing) this.arm(this.retryMs);
    else this.arm(last.length >= this.options.maxBatch ? 0 : this.options.flushMs);
  }

  /** Writes one batch now (more follow on later turns); resolves when it is written. */
  flush(): Promise<void> {
    const flushing =
      this.flushing ??
      this.writeOne().then((written) => {
        this.flushing = undefined;
        this.failing = !written;
        if (this.queuedCount === 0 || this.closed) return;
        if (!written) this.arm(this.retryMs);
        else this.arm(this.hasFullBatch() ? 0 : this.options.flushMs);
      });
    this.flushing = flushing;
    return flushing;
  }

  /** Stops taking records and writes every queued one. */
  async close(): Promise<void> {
    this.closed = true;
    this.disarm();
    await this.flushing;
    while (this.queuedCount > 0) if (!(await this.writeOne())) break;
    this.report();
  }

  private hasFullBatch(): boolean {
    return this.batches.length > 1 || (this.batches[0]?.length ?? 0) >= this.options.maxBatch;
  }

  /** Arms the flush timer unless one due as soon is armed already. */
  private arm(ms: number): void {
    if (this.closed) return;
    if (this.timer !== undefined) {
      if (ms !== 0) return;
      this.disarm();
    }
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private report(): void {
    if (this.droppedSinceReport === 0) return;
    const count = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    this.options.onDrop?.(count);
  }

  /** Writes the oldest batch; resolves false when the sink failed (the batch stays queued). */
  private async writeOne(): Promise<boolean> {
    this.report();
    const batch = this.batches.shift();
    if (!batch || batch.length === 0) return true;
    const weight = this.options.weigh
      ? batch.reduce((n, r) => n + (this.options.weigh?.(r) ?? 0), 0)
      : 0;
    this.queuedCount -= batch.length;
    this.weight -= weight;
    try {
      await this.options.sink(batch);
      this.written += batch.length;
      return true;
    } catch (error) {
      this.batches.unshift(batch);
      this.queuedCount += batch.length;
      this.weight += weight;
      this.options.onError?.(error, this.queuedCount);
      return false;
    }
  }
}
