/**
 * The trail as one unit of the composition root: the bounded writer the gateway pushes into
 * (batches written in one transaction each, at least every second), and the retention job
 * (at start, then hourly). `close()` writes everything still queued: nothing is lost on a clean
 * shutdown. A crash loses the rows of exchanges that ended in its last second; long exchanges
 * were written while open (gateway/trail-tap.ts) and are marked `crashed` at the next start.
 */
import { TrailWriter } from '../../recorder/trail/index.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { runRetention, type RetentionDeps, type RetentionResult } from './retention.js';
import type { TrailWrite } from './trail-repository.js';

export interface TrailServiceDeps extends RetentionDeps {
  store: RetentionDeps['store'] & Pick<Store, 'exclusive'>;
  log: Logger;
}

const FLUSH_MS = 1000;
/** Rows per transaction: measured ~3 µs per row, so a batch holds the event loop ~3 ms. */
const MAX_BATCH = 1000;
/** About a second of traffic at 20k requests/s. */
const CAPACITY = 20_000;
/** Bodies make records heavy: the queue never holds more than this much of them. */
const MAX_WEIGHT = 16 * 1024 * 1024;
const RETENTION_EVERY_MS = 3_600_000;
const BASE_WEIGHT = 256;

const weigh = (r: TrailWrite) =>
  BASE_WEIGHT + r.path.length + r.query.length + r.userAgent.length + (r.body?.text?.length ?? 0);

export function createTrailService(deps: TrailServiceDeps) {
  const { store, log } = deps;
  const writer = new TrailWriter<TrailWrite>({
    // One transaction per batch, its own: never inside atomic(), whose open transaction a
    // writer on another connection (SQLite's trail thread) would have to wait out.
    sink: (batch) => store.trail.insertMany(batch),
    maxBatch: MAX_BATCH,
    flushMs: FLUSH_MS,
    capacity: CAPACITY,
    maxWeight: MAX_WEIGHT,
    weigh,
    onDrop: (count) =>
      log.warn('trail queue full: records dropped', { dropped: count, total: writer.dropped }),
    onError: (error, queued) =>
      log.error('trail write failed; retrying', { error: error as Error, queued }),
  });

  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Immediate | undefined;
  let stopped = false;
  let running: Promise<RetentionResult> | undefined;
  const retention = () => {
    // One run at a time: an hourly tick during a long first run waits for it instead.
    running ??= runRetention(deps).finally(() => (running = undefined));
    return running;
  };
  const scheduled = () => {
    if (stopped) return;
    // With several replicas, one of them runs it.
    deps.store
      .exclusive('retention', retention)
      .catch((error: unknown) => log.error('trail retention failed', { error: error as Error }));
  };

  return {
    push: (record: TrailWrite) => writer.push(record),
    stats: () => ({ queued: writer.queued, dropped: writer.dropped, written: writer.written }),
    /** Writes what is queued now (tests; the writer does this by itself every second). */
    async flush() {
      // Until the queue is empty, or a write failed (no progress): never spins on a dead store.
      for (let written = -1; writer.queued > 0 && writer.written !== written;) {
        written = writer.written;
        await writer.flush();
      }
    },
    retention,
    start() {
      first = setImmediate(scheduled);
      timer = setInterval(scheduled, RETENTION_EVERY_MS).unref();
    },
    async close() {
      stopped = true;
      clearImmediate(first);
      clearInterval(timer);
      await running?.catch(() => undefined);
      await writer.close();
    },
  };
}

export type TrailService = ReturnType<typeof createTrailService>;
