// A demo jitgate in a child process, for the credential tests that kill it (SIGKILL) mid-grant.
// Started with JITGATE_STATE_DIR and JITGATE_DEMO_PG_URL; prints one marked JSON line with its
// port and its machine clients (their secrets are new at every start).
import { startDemo } from '../../proxy/demo/start-demo.js';
import { silentLogger } from '../../proxy/shared/logger.js';

const demo = await startDemo({
  port: 0,
  stateDir: process.env.JITGATE_STATE_DIR ?? '.jitgate-child',
  log: silentLogger,
  postgres: false, // JITGATE_DEMO_PG_URL names the test's own
});
// Marked: other output (a library's notice) may come first.
process.stdout.write(
  `JITGATE_CHILD ${JSON.stringify({ port: demo.port, machines: demo.machines })}\n`,
);
