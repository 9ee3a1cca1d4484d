/**
 * One jitgate replica of `npm run demo:replicas`, in a process of its own: the demo's config
 * (JSON in JITGATE_REPLICA_CONFIG, the store's URL in the variable it names), listening on
 * 127.0.0.1:JITGATE_REPLICA_PORT. Prints "ready" once it listens; SIGTERM closes it.
 */
import { validateConfig } from '../../config/load.js';
import type { ConfigInput } from '../../config/schema.js';
import { createHttpServer, listen } from '../../server/http-server.js';
import { startJitgate } from '../../server/start.js';
import { createLogger } from '../../shared/logger.js';

const text = process.env.JITGATE_REPLICA_CONFIG;
const port = Number(process.env.JITGATE_REPLICA_PORT);
if (!text || !Number.isInteger(port))
  throw new Error('JITGATE_REPLICA_CONFIG and _PORT are required');
// Logs go to stderr, tagged with the replica: stdout says only "ready" to the demo.
const log = createLogger(
  { write: (line) => process.stderr.write(line + '\n') },
  { replica: process.env.JITGATE_REPLICA_NAME ?? String(port) },
);
const config = validateConfig(JSON.parse(text) as ConfigInput);
const http = createHttpServer(log);
await listen(http.server, port, '127.0.0.1');
const jitgate = await startJitgate({ config, log, http, configSource: 'demo' });
process.stdout.write('ready\n');
process.once('SIGTERM', () => void jitgate.close().then(() => process.exit(0)));
process.once('SIGINT', () => undefined); // the demo's Ctrl-C: the parent stops us in order
