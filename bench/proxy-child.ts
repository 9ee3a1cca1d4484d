/**
 * jitgate under test, in its own process so its CPU time can be read from /proc. Runs the demo
 * with the payroll resource pointed at BENCH_UPSTREAM and its state in BENCH_STATE_DIR. Prints
 * {"port": N} on stdout once ready; SIGTERM closes it (and lets --cpu-prof write its profile).
 */
import { startDemo } from '../proxy/demo/start-demo.js';
import { silentLogger } from '../proxy/shared/logger.js';

const payrollUrl = process.env.BENCH_UPSTREAM;
const stateDir = process.env.BENCH_STATE_DIR;
if (!payrollUrl || !stateDir) {
  process.stderr.write('proxy-child needs BENCH_UPSTREAM and BENCH_STATE_DIR\n');
  process.exit(2);
}

const demo = await startDemo({ port: 0, stateDir, log: silentLogger, payrollUrl });
process.stdout.write(JSON.stringify({ port: demo.port }) + '\n');

process.on('SIGTERM', () => {
  demo.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
