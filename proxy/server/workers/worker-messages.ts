/**
 * What a worker tells the primary over the cluster's IPC channel: that it is ready, and on which
 * port. (The primary stops workers with SIGTERM, as an orchestrator stops a replica.)
 */
export interface WorkerReady {
  type: 'jitgate-worker-ready';
  port: number;
  url: string;
}

/** The environment variable that tells a forked process which worker it is (1…N). */
export const WORKER_INDEX_ENV = 'JITGATE_WORKER_INDEX';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

export const isWorkerReady = (message: unknown): message is WorkerReady =>
  isObject(message) &&
  message.type === 'jitgate-worker-ready' &&
  typeof message.port === 'number' &&
  typeof message.url === 'string';
