// One jitgate replica in a process of its own, for tests that run several on one PostgreSQL and
// kill one with SIGKILL. The config (JSON) comes in JITGATE_REPLICA_CONFIG, the store's URL in the
// variable its storage.postgres.urlEnv names. Prints one JSON line with its port once it listens;
// SIGTERM closes it as an orchestrator would.
import { validateConfig } from '../../proxy/config/load.js';
import type { ConfigInput } from '../../proxy/config/schema.js';
import { createHttpServer, listen } from '../../proxy/server/http-server.js';
import { startJitgate } from '../../proxy/server/start.js';
import { createLogger, silentLogger, type LogLevel } from '../../proxy/shared/logger.js';

const text = process.env.JITGATE_REPLICA_CONFIG;
if (!text) throw new Error('JITGATE_REPLICA_CONFIG is required');
const config = validateConfig(JSON.parse(text) as ConfigInput);
// Silent unless JITGATE_REPLICA_LOG names a level (to see why a replica answered 500).
const level = process.env.JITGATE_REPLICA_LOG as LogLevel | undefined;
const log = level
  ? createLogger({ level, write: (line) => process.stderr.write(line + '\n') })
  : silentLogger;
const http = createHttpServer(log);
const port = await listen(http.server, 0, '127.0.0.1');
const jitgate = await startJitgate({ config, log, http });
process.stdout.write(JSON.stringify({ port }) + '\n');
process.once('SIGTERM', () => {
  void jitgate.close().then(() => process.exit(0));
});
