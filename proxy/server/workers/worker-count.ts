/** `server.workers` as a number of processes: "auto" is one per core this process may use. */
import { availableParallelism } from 'node:os';

export function workerCount(setting: 'auto' | number): number {
  return setting === 'auto' ? availableParallelism() : setting;
}
