/**
 * The `jitgate` command: one table of subcommands (each in commands/), one error handler. Exit
 * codes are listed in exit-codes.ts and docs/cli.md; user errors print one line, never a stack
 * trace; `exec` exits with its command's code.
 */
import './closed-stdout.js';
import { ConfigError } from '../config/errors.js';
import { AUDIT_USAGE, auditCommand } from './audit-command.js';
import { RECORDINGS_USAGE, recordingsCommand } from './recordings-command.js';
import { SSH_USAGE, sshCommand } from './ssh-command.js';
import * as access from './commands/access.js';
import { review, reviews } from './commands/break-glass.js';
import { endSessions, grant, revoke } from './commands/admin.js';
import { kubectlCredential, sshCert } from './commands/credentials.js';
import { exec } from './commands/exec.js';
import { reap } from './commands/reap.js';
import { report } from './commands/report.js';
import { login, logout } from './commands/login.js';
import { serve } from './commands/serve.js';
import { targetAgent } from './commands/target-agent.js';
import { cliErrorOf, EXIT } from './exit-codes.js';

const USAGE = `usage: jitgate COMMAND [options]     (docs/cli.md)
  serve [--config FILE]                 run jitgate (no config: the demo on http://localhost:8080)
  login [--no-browser] | logout         sign in (people: browser; machines: JITGATE_CLIENT_* env)
  resources                             what I may request, and my access
  request RESOURCE --for 30m --reason TEXT [--ticket T] [--wait]
  request RESOURCE --break-glass --incident ID --for 15m --reason TEXT   emergency access, reviewed after
  requests [--approvals]                my requests, or those waiting for my decision
  reviews                               break-glass grants waiting for my review
  report access [--resource R] [--user U] [--from DATE] [--to DATE] [--csv|--json]   auditors: every grant of a period
  review GRANT_ID --justified|--not-justified --comment TEXT
  approve REQUEST_ID [--for 15m] [--comment TEXT]
  deny REQUEST_ID --comment TEXT
  grants [--all]                        my grants
  release GRANT_ID                      end my grant now
  revoke GRANT_ID [--reason TEXT]       end someone's grant (approver or admin; --state-dir: admin token)
  grant USER RESOURCE --for 30m [--reason TEXT] [--state-dir DIR]   admin: grant at once
  end-sessions USER [--state-dir DIR]   admin: end every sign-in of USER (sessions, tokens, terminals)
  exec RESOURCE --for 10m --reason TEXT [--login L] -- CMD [ARG…]   run CMD with the credential
  ssh-cert RESOURCE --login L --out DIR write an SSH key + certificate valid for the grant
  kubectl-credential RESOURCE           print an ExecCredential for kubectl
  reap --config FILE                    drop temporary database roles whose grant is over (cron)
  target-agent --url URL [--revoked-keys FILE] [--sessions DIR] [--every 1s] [--standing RESOURCE --agent-token-file FILE]
                                        on an SSH target: keep RevokedKeys current, end revoked sessions
${SSH_USAGE}
${AUDIT_USAGE}
${RECORDINGS_USAGE}
common options: --url URL (default $JITGATE_URL or http://127.0.0.1:$PORT|8080), --json
exit codes: 0 ok, 1 usage, 2 refused, 3 unreachable, 4 audit chain broken, 5 not signed in,
            6 not granted (denied, expired, timed out); exec: the command's own code`;

type Command = (args: string[]) => Promise<unknown>;

const COMMANDS: Record<string, Command> = {
  login,
  logout,
  resources: access.resources,
  request: access.request,
  requests: access.requests,
  approve: access.approve,
  deny: access.deny,
  grants: access.grants,
  release: access.release,
  reviews,
  review,
  report,
  revoke,
  grant,
  'end-sessions': endSessions,
  'ssh-cert': sshCert,
  'kubectl-credential': kubectlCredential,
  reap,
  audit: auditCommand,
  ssh: sshCommand,
  recordings: recordingsCommand,
};

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (command === 'serve') {
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
    const stop = await targetAgent(rest);
    const shutdown = () => void stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return;
  }
  if (command === 'exec') {
    process.exitCode = await exec(rest);
    return;
  }
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    console.error(`jitgate: unknown command "${command}"\n${USAGE}`);
    process.exitCode = EXIT.usage;
    return;
  }
  await run(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(EXIT.usage);
  }
  const known = cliErrorOf(error);
  if (known) {
    console.error(`jitgate: ${known.message}`);
    process.exit(known.exitCode);
  }
  if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`jitgate: ${error.message}\n${USAGE}`);
    process.exit(EXIT.usage);
  }
  console.error('jitgate: unexpected failure', error);
  process.exit(EXIT.usage);
});
