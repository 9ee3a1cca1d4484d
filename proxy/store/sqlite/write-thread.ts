/**
 * The SQLite store's writes that come on a clock, not from a person's action, on a thread of
 * their own: trail batches and the heartbeat. better-sqlite3 is synchronous: on the main thread
 * each of their COMMITs (an fsync, synchronous = FULL) held the event loop while every request
 * waited; a CPU profile of the proxy under load put trail batches at ~14% of the main thread's
 * time and, once they had moved, the heartbeat at ~5%. Their guarantees are the same: each write
 * its own transaction, in the order sent, a failure reported with SQLite's code (the trail writer
 * retries, readiness turns 503), and `close()` waits for what was sent. The thread starts with
 * the first write, so a command that only reads the store never starts it.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../shared/module-worker.js';
import type { TrailWrite } from '../../trail/trail-repository.js';
import type {
  WriteThreadAnswer,
  WriteThreadRequest,
  WriteThreadWork,
} from './write-thread-worker.js';

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

export interface WriteThread {
  /** A trail batch, in one transaction (TrailRepository.insertMany). */
  insertTrail(records: readonly TrailWrite[]): Promise<void>;
  /** A heartbeat (InstanceRepository.beat). */
  beat(instance: string, at: number): Promise<void>;
  /** Waits for the writes already sent, then ends the thread. */
  close(): Promise<void>;
}

const failure = (answer: Required<WriteThreadAnswer>['error']) =>
  Object.assign(new Error(answer.message), answer.code ? { code: answer.code } : {});

export function createWriteThread(path: string): WriteThread {
  let worker: Worker | undefined;
  const pending = new Map<number, Pending>();
  /** Writes sent and not yet answered: what `close()` waits for. */
  const inFlight = new Set<Promise<void>>();
  let lastId = 0;

  /** Whatever ended the thread fails the writes it still held; the next write starts a new one. */
  const lost = (error: Error) => {
    worker = undefined;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const started = startModuleWorker(import.meta.url, './write-thread-worker', {
      workerData: { path },
      // One batch a second needs no large young generation: V8's default lets this isolate's
      // semi-spaces grow to 16 MiB each under load, resident for good. Capped, a proxy writing
      // 10k trail rows a second stayed ~15 MiB smaller (3 paired runs); the cost is more
      // scavenges on this thread, never on the main one. A --max-semi-space-size flag wins over
      // this limit in every isolate: the `jitgate` command's (4 MiB) holds here too, ~8 MiB of
      // young generation (docs/operations.md, "Memory").
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    started.on('message', (answer: WriteThreadAnswer) => {
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
      if (worker === started) lost(new Error(`the store's write thread exited (${code})`));
    });
    return started;
  };

  const send = (thread: Worker, request: WriteThreadRequest) => thread.postMessage(request);

  const run = (work: WriteThreadWork): Promise<void> => {
    worker ??= start();
    const thread = worker;
    thread.ref(); // a write under way keeps the process alive until it is done
    const id = ++lastId;
    const done = new Promise<void>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send(thread, { id, work });
    });
    inFlight.add(done);
    const settled = () => void inFlight.delete(done);
    done.then(settled, settled);
    return done;
  };

  return {
    insertTrail: (records) =>
      records.length === 0 ? Promise.resolve() : run({ kind: 'trail', records }),
    beat: (instance, at) => run({ kind: 'beat', instance, at }),
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
