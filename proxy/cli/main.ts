/**
 * The `jitgate` command: one table of subcommands (each in commands/), one error handler. Exit
 * codes are listed in exit-codes.ts and docs/cli.md; user errors print one line, never a stack
 * trace; `exec` exits with its command's code.
 */
import './closed-stdout.js';
import { commandLoader } from './command-table.js';
import { EXIT } from './exit-codes.js';
import { failureOf } from './failure.js';
import { USAGE } from './usage.js';

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (command === 'serve') {
    const { serve } = await import('./commands/serve.js');
    const started = serve(rest);
    // Listening before the banner is printed: a Ctrl-C or SIGTERM at any moment (even during
    // start-up) stops what started (the demo's sshd and PostgreSQL) before exiting.
    const shutdown = () =>
      void started.then(
        (stop) => stop().then(() => process.exit(EXIT.ok)),
        () => undefined, // a failed start is reported below
      );
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    await started;
    return;
  }
  if (command === 'target-agent') {
    const { targetAgent } = await import('./commands/target-agent.js');
    const stop = await targetAgent(rest);
    const shutdown = () => void stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return;
  }
  if (command === 'exec') {
    const { exec } = await import('./commands/exec.js');
    process.exitCode = await exec(rest);
    return;
  }
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  const load = commandLoader(command);
  if (!load) {
    console.error(`jitgate: unknown command "${command}"\n${USAGE}`);
    process.exitCode = EXIT.usage;
    return;
  }
  const run = await load();
  await run(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const failure = failureOf(error);
  console.error(...failure.say);
  process.exit(failure.exitCode);
});
