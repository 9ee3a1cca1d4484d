/**
 * Writes trail batches on a thread of its own. better-sqlite3 is synchronous: on the main thread
 * each batch's COMMIT (an fsync, synchronous = FULL) held the event loop, with every request
 * waiting on it; a CPU profile of the proxy under load put it at ~10% of the main thread's time,
 * the inserts at another ~3%. The rows and their guarantees are the same: one transaction per
 * batch, batches in order, a failed one reported (and retried by the trail writer), and `close()`
 * waits for what was sent. The thread starts with the first batch, so a command that only reads
 * the store never starts it.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../shared/module-worker.js';
import type { TrailWrite } from '../../trail/trail-repository.js';
import type { TrailThreadAnswer, TrailThreadRequest } from './trail-thread-worker.js';

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

export interface TrailThread {
  insertMany(records: readonly TrailWrite[]): Promise<void>;
  /** Waits for the batches already sent, then ends the thread. */
  close(): Promise<void>;
}

const failure = (answer: Required<TrailThreadAnswer>['error']) =>
  Object.assign(new Error(answer.message), answer.code ? { code: answer.code } : {});

export function createTrailThread(path: string): TrailThread {
  let worker: Worker | undefined;
  const pending = new Map<number, Pending>();
  /** Batches sent and not yet answered: what `close()` waits for. */
  const inFlight = new Set<Promise<void>>();
  let lastId = 0;

  /** Whatever ended the thread fails the batches it still held; the next batch starts a new one. */
  const lost = (error: Error) => {
    worker = undefined;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const started = startModuleWorker(import.meta.url, './trail-thread-worker', {
      workerData: { path },
    });
    started.on('message', (answer: TrailThreadAnswer) => {
      const waiting = pending.get(answer.id);
      pending.delete(answer.id);
      if (pending.size === 0) started.unref(); // an idle writer never keeps the process alive
      if (answer.error) waiting?.reject(failure(answer.error));
      else waiting?.resolve();
    });
    started.on('error', (error) => {
      if (worker === started) lost(error);
    });
    started.on('exit', (code) => {
      if (worker === started) lost(new Error(`the trail writer thread exited (${code})`));
    });
    return started;
  };

  const send = (thread: Worker, request: TrailThreadRequest) => thread.postMessage(request);

  return {
    insertMany(records) {
      if (records.length === 0) return Promise.resolve();
      worker ??= start();
      const thread = worker;
      thread.ref(); // a batch under way keeps the process alive until it is written
      const id = ++lastId;
      const written = new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send(thread, { id, records });
      });
      inFlight.add(written);
      const settled = () => void inFlight.delete(written);
      written.then(settled, settled);
      return written;
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      const thread = worker;
      if (!thread) return;
      worker = undefined;
      const exited = new Promise((done) => thread.once('exit', done));
      thread.ref();
      send(thread, { close: true });
      await exited;
    },
  };
}
