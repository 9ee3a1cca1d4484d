/**
 * The SQLite store's write thread (see write-thread.ts): its own connection to the state
 * database, one write per message, each its own transaction, answered with its outcome. SQLite's
 * file lock orders these writes with the main connection's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrailWrite } from '../../trail/trail-repository.js';
import { openSqlite } from './database.js';
import { createInstanceRepository } from './instances.js';
import { createTrailRepository } from './trail.js';

/** What the thread writes: a trail batch, or a heartbeat. */
export type WriteThreadWork =
  | { kind: 'trail'; records: readonly TrailWrite[] }
  | { kind: 'beat'; instance: string; at: number };
export type WriteThreadRequest = { id: number; work: WriteThreadWork } | { close: true };
export interface WriteThreadAnswer {
  id: number;
  /** Set when the write did not happen (rolled back whole). */
  error?: { message: string; code?: string };
}

const port = parentPort;
if (!port) throw new Error('write-thread-worker runs as a worker thread');
const db = openSqlite((workerData as { path: string }).path);
const trail = createTrailRepository(db);
const instances = createInstanceRepository(db);

const write = (work: WriteThreadWork) =>
  work.kind === 'trail' ? trail.insertMany(work.records) : instances.beat(work.instance, work.at);

port.on('message', (request: WriteThreadRequest) => {
  if ('close' in request) {
    db.close();
    port.close();
    return;
  }
  // Synchronous underneath: writes happen one after another, in the order they were sent.
  write(request.work).then(
    () => port.postMessage({ id: request.id } satisfies WriteThreadAnswer),
    (error: Error & { code?: unknown }) =>
      port.postMessage({
        id: request.id,
        error: {
          message: error.message,
          ...(typeof error.code === 'string' ? { code: error.code } : {}),
        },
      } satisfies WriteThreadAnswer),
  );
});
