/**
 * `jitgate serve [--config FILE]`: a real deployment, or (no config) the demo on :8080. With
 * `server.workers` above one, this process is the primary that runs the workers (each a replica
 * on the shared PostgreSQL, serving the same port) and each worker runs this command again.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../config/load.js';
import { superviseWorkers } from '../../server/workers/supervisor.js';
import { workerCount } from '../../server/workers/worker-count.js';
import {
  isWorkerProcess,
  reportWorkerReady,
  workerInstanceDir,
} from '../../server/workers/worker.js';
import { createLogger } from '../../shared/logger.js';
import { CliError, EXIT } from '../exit-codes.js';

/** Stops at most once, however many signals ask. */
const once = (stop: () => Promise<void>) => {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stop());
};

export async function serve(args: string[]): Promise<() => Promise<void>> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  if (values.config) {
    const config = loadConfigFile(values.config);
    const workers = workerCount(config.server.workers);
    if (workers > 1 && !isWorkerProcess()) {
      const log = createLogger({ level: config.logging.level });
      const running = await superviseWorkers({
        count: workers,
        log,
        onGiveUp: () => process.exit(EXIT.usage),
      }).catch((error: Error) => {
        throw new CliError(error.message);
      });
      console.error(`jitgate listening on ${running.url} (${workers} workers)`);
      return once(() => running.stop());
    }
    // Loaded only where it runs: a supervisor of workers never serves itself.
    const { startJitgate } = await import('../../server/start.js');
    const running = await startJitgate({
      config,
      configSource: values.config,
      instanceDir: workerInstanceDir(config),
    });
    if (isWorkerProcess()) reportWorkerReady({ port: running.port, url: running.url });
    else console.error(`jitgate listening on ${running.url}`);
    return once(() => running.close());
  }
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`PORT must be a port number`);
  // The demo (its IdP, SSH target, PostgreSQL) only when asked for: ~7 MiB a deployment never needs.
  const { startDemo } = await import('../../demo/start-demo.js');
  const { demoBanner } = await import('../../demo/banner.js');
  const demo = await startDemo({ port, stateDir: process.env.JITGATE_STATE_DIR });
  console.error(demoBanner(demo));
  return once(() => demo.close());
}
