/**
 * The primary of `server.workers`: forks N jitgate workers that share one listening port
 * (node:cluster), replaces a worker that crashes, stops them all gracefully, and gives up (the
 * caller exits non-zero) when workers cannot start.
 *
 * - The first worker starts alone: it runs the store's migrations and creates the shared keys in
 *   the state folder (admin token, MFA key) before the others read them.
 * - Connections are spread by the kernel (SCHED_NONE: every worker accepts on the shared socket)
 *   rather than accepted by the primary and handed over, which costs the primary a core's share
 *   on a small machine. NODE_CLUSTER_SCHED_POLICY=rr chooses node's round robin instead.
 * - A worker that exits abnormally (a signal, a non-zero code) is replaced under the same index;
 *   one that exits 0 was stopped on purpose and is not. A replacement that fails to become ready
 *   MAX_FAILED_STARTS times in a row means it cannot start: everything stops.
 */
import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { Logger } from '../../shared/logger.js';
import { isWorkerReady, WORKER_INDEX_ENV, type WorkerReady } from './worker-messages.js';

const MAX_FAILED_STARTS = 3;
/** Between a failed start and the next try, times the failures so far. */
const RETRY_DELAY_MS = 1000;
/** How long a worker may take to close gracefully before it is killed. */
const STOP_GRACE_MS = 30_000;

export interface SupervisorOptions {
  count: number;
  log: Logger;
  /** Called once when workers cannot be kept running (after everything is stopped). */
  onGiveUp(error: Error): void;
}

export interface RunningWorkers {
  port: number;
  url: string;
  stop(): Promise<void>;
}

class WorkerStartFailed extends Error {}

export async function superviseWorkers(options: SupervisorOptions): Promise<RunningWorkers> {
  const { count, log } = options;
  if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_NONE;
  const live = new Map<number, Worker>();
  const failedStarts = new Map<number, number>();
  let stopping: Promise<void> | undefined;

  /** Forks worker `index` and resolves once it is ready; rejects if it exits before. */
  function start(index: number): Promise<WorkerReady> {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    live.set(index, worker);
    const pid = worker.process.pid;
    log.info('worker starting', { worker: index, pid });
    return new Promise<WorkerReady>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: unknown) => {
        if (ready || !isWorkerReady(message)) return;
        ready = true;
        failedStarts.delete(index);
        log.info('worker ready', { worker: index, pid, port: message.port });
        resolve(message);
      });
      worker.once('exit', (code: number | null, signal: string | null) => {
        if (live.get(index) === worker) live.delete(index);
        if (!ready)
          return reject(
            new WorkerStartFailed(
              `worker ${index} exited before it was ready (${signal ?? `exit code ${code}`})`,
            ),
          );
        if (stopping) return;
        if (code === 0 && !signal) return void log.info('worker stopped', { worker: index, pid });
        log.error('worker died; starting a replacement', { worker: index, pid, code, signal });
        replace(index);
      });
    });
  }

  function replace(index: number) {
    start(index).catch((error: Error) => {
      if (stopping) return;
      const failures = (failedStarts.get(index) ?? 0) + 1;
      failedStarts.set(index, failures);
      log.error('replacement worker did not start', { worker: index, failures, error });
      if (failures >= MAX_FAILED_STARTS) return void giveUp(error);
      setTimeout(() => !stopping && replace(index), RETRY_DELAY_MS * failures).unref();
    });
  }

  function giveUp(error: Error) {
    log.error('workers cannot be kept running; stopping', { error });
    void stop().then(() => options.onGiveUp(error));
  }

  /** SIGTERM to each worker (a graceful close, as for any replica); SIGKILL past the grace. */
  function stop(): Promise<void> {
    stopping ??= Promise.all(
      [...live.values()].map(async (worker) => {
        if (worker.isDead()) return;
        const exited = once(worker, 'exit');
        worker.process.kill('SIGTERM');
        const timer = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS).unref();
        await exited;
        clearTimeout(timer);
      }),
    ).then(() => log.info('workers stopped'));
    return stopping;
  }

  try {
    const first = await start(1);
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 2)));
    const ports = new Set([first, ...rest].map((ready) => ready.port));
    if (ports.size !== 1)
      throw new Error(`workers listen on different ports: ${[...ports].join(', ')}`);
    log.info('workers ready', { workers: count, port: first.port });
    return {
      port: first.port,
      url: first.url,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
