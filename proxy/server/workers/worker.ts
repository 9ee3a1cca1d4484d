/**
 * The worker side of `server.workers`: a replica like any other on the shared PostgreSQL, with
 * its own folder for its own files (<state>/workers/<index>, state-folders.ts: its instance id,
 * its recordings), kept by the replacement of a worker that died so that the replacement ends
 * what the dead one left open. It tells the primary when it is ready; SIGTERM stops it, as any
 * replica (cli/main.ts).
 */
import cluster from 'node:cluster';
import type { Config } from '../../config/schema.js';
import { workerFolder } from '../state-folders.js';
import { WORKER_INDEX_ENV, type WorkerReady } from './worker-messages.js';

/** True in a process the supervisor forked. */
export const isWorkerProcess = (): boolean =>
  cluster.isWorker && process.env[WORKER_INDEX_ENV] !== undefined;

/** This worker's own folder, or undefined outside a worker (the state folder is used). */
export function workerInstanceDir(config: Config): string | undefined {
  if (!isWorkerProcess()) return undefined;
  const index = Number(process.env[WORKER_INDEX_ENV]);
  if (!Number.isInteger(index) || index < 1) throw new Error(`bad ${WORKER_INDEX_ENV}`);
  return workerFolder(config.state.dir, index);
}

/** Tells the primary this worker serves now; outside a worker it does nothing. */
export function reportWorkerReady(ready: Omit<WorkerReady, 'type'>): void {
  if (isWorkerProcess())
    process.send?.({ type: 'jitgate-worker-ready', ...ready } satisfies WorkerReady);
}
