/**
 * Where a jitgate process keeps its own files in the state folder, decided here only. A single
 * process keeps them in the state folder itself; each worker of `server.workers` in
 * `workers/<n>` (its replacement takes the same number and so finds what it left open). A
 * process's terminal recordings are in `recordings/` of its own folder, so the recordings of a
 * state folder are spread over all of them: offline readers look in every one.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const WORKERS = 'workers';
const WORKER_NUMBER = /^[1-9][0-9]*$/;

/** The own folder of worker `index` (1, 2, …) of the workers sharing `stateDir`. */
export const workerFolder = (stateDir: string, index: number): string =>
  join(resolve(stateDir), WORKERS, String(index));

/** The recordings folder of a process whose own folder is `ownFolder`. */
export const recordingsFolder = (ownFolder: string): string => resolve(ownFolder, 'recordings');

/** Every process's own folder on `stateDir`: the state folder, then each worker's in order. */
export function processFolders(stateDir: string): string[] {
  const root = resolve(stateDir);
  let names: string[];
  try {
    names = readdirSync(join(root, WORKERS));
  } catch {
    names = []; // never run with workers
  }
  const workers = names.filter((name) => WORKER_NUMBER.test(name)).map(Number);
  return [root, ...workers.sort((a, b) => a - b).map((index) => workerFolder(root, index))];
}

/** Every folder recordings of `stateDir` may be in. */
export const recordingsFolders = (stateDir: string): string[] =>
  processFolders(stateDir).map(recordingsFolder);
