/** `jitgate serve [--config FILE]`: a real deployment, or (no config) the demo on :8080. */
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../config/load.js';
import { demoBanner } from '../../demo/banner.js';
import { startDemo } from '../../demo/start-demo.js';
import { startJitgate } from '../../server/start.js';
import { CliError } from '../exit-codes.js';

export async function serve(args: string[]): Promise<() => Promise<void>> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  if (values.config) {
    const running = await startJitgate({
      config: loadConfigFile(values.config),
      configSource: values.config,
    });
    console.error(`jitgate listening on ${running.url}`);
    return () => running.close();
  }
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`PORT must be a port number`);
  const demo = await startDemo({ port, stateDir: process.env.JITGATE_STATE_DIR });
  console.error(demoBanner(demo));
  return () => demo.close();
}
