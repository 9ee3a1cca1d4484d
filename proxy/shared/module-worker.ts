/**
 * Starts a worker thread on one of jitgate's own modules, named without its extension: the
 * compiled `.js` in a deployment, the `.ts` source when jitgate runs through tsx (`npm start`,
 * the tests). tsx's `--import` hook does not reach worker threads on Node 20, so a source-mode
 * worker registers tsx itself before it imports its module.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `base`: the caller's import.meta.url; `name`: a module in the same folder, e.g. "./writer". */
export function startModuleWorker(base: string, name: string, options: WorkerOptions): Worker {
  const extension = extname(fileURLToPath(base));
  const entry = new URL(`${name}${extension}`, base);
  if (extension !== '.ts') return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then((tsx) => tsx.register())` +
    `.then(() => import(${JSON.stringify(entry.href)}))`;
  return new Worker(bootstrap, { ...options, eval: true });
}
