/**
 * The trail's writer thread (see trail-thread.ts): its own connection to the state database,
 * one batch per message, each in one transaction, answered with its outcome. SQLite's file lock
 * orders these writes with the main connection's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrailWrite } from '../../trail/trail-repository.js';
import { openSqlite } from './database.js';
import { createTrailRepository } from './trail.js';

export type TrailThreadRequest = { id: number; records: readonly TrailWrite[] } | { close: true };
export interface TrailThreadAnswer {
  id: number;
  /** Set when the batch was not written (rolled back whole). */
  error?: { message: string; code?: string };
}

const port = parentPort;
if (!port) throw new Error('trail-thread-worker runs as a worker thread');
const db = openSqlite((workerData as { path: string }).path);
const trail = createTrailRepository(db);

port.on('message', (request: TrailThreadRequest) => {
  if ('close' in request) {
    db.close();
    port.close();
    return;
  }
  // insertMany is synchronous underneath: batches are written one after another, in order.
  trail.insertMany(request.records).then(
    () => port.postMessage({ id: request.id } satisfies TrailThreadAnswer),
    (error: Error & { code?: unknown }) =>
      port.postMessage({
        id: request.id,
        error: {
          message: error.message,
          ...(typeof error.code === 'string' ? { code: error.code } : {}),
        },
      } satisfies TrailThreadAnswer),
  );
});
