// The demo in a child process of its own, for tests that crash it (kill -9) and start it again on
// the same state folder. Prints one JSON line with its URL once it is ready.
import { startDemo } from '../../proxy/demo/start-demo.js';
import { silentLogger } from '../../proxy/shared/logger.js';

const stateDir = process.env.JITGATE_STATE_DIR;
if (!stateDir) throw new Error('JITGATE_STATE_DIR is required');
const demo = await startDemo({ port: 0, stateDir, log: silentLogger, postgres: false });
process.stdout.write(JSON.stringify({ url: demo.url, port: demo.port }) + '\n');
