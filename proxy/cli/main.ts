/**
 * The `jitgate` command. Exit codes: 0 ok, 1 usage or local error, 2 refused by the proxy,
 * 3 proxy unreachable. User errors print one line, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { startDemo } from '../demo/start-demo.js';
import { DEMO_PASSWORD, DEMO_ROLES } from '../demo/demo-config.js';
import { startJitgate } from '../server/start.js';
import { adminCall, CliError, type AdminTarget } from './admin-client.js';
import { AUDIT_USAGE, auditCommand } from './audit-command.js';

const USAGE = `usage:
  jitgate serve [--config FILE]              run jitgate (no config: the demo on http://localhost:8080)
  jitgate grant USER RESOURCE --for 30m [--reason TEXT]
                                             grant access now; prints the grant id
  jitgate revoke GRANT_ID                    end a grant at once
${AUDIT_USAGE}
options for grant/revoke:
  --url URL          the running proxy (default http://127.0.0.1:$PORT or :8080)
  --state-dir DIR    its state folder holding admin-token (default ./.jitgate)`;

function adminTarget(values: {
  url?: string | undefined;
  'state-dir'?: string | undefined;
}): AdminTarget {
  return {
    url: values.url ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`,
    stateDir: values['state-dir'] ?? process.env.JITGATE_STATE_DIR ?? '.jitgate',
  };
}

async function serve(args: string[]) {
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
  const logins = Object.entries(DEMO_ROLES)
    .map(([user, role]) => `    ${user.padEnd(6)} (${role})`)
    .join('\n');
  console.error(`
  jitgate demo is running at ${demo.url}
  demo app payroll:  ${demo.payrollOrigin}
  logins (password "${DEMO_PASSWORD}"):
${logins}
  grant access:  npx jitgate grant alice payroll --for 30m
  state folder:  ${demo.stateDir}
`);
  return () => demo.close();
}

async function grant(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      for: { type: 'string' },
      reason: { type: 'string' },
      url: { type: 'string' },
      'state-dir': { type: 'string' },
    },
  });
  const [user, resource] = positionals;
  if (!user || !resource || !values.for || positionals.length > 2) throw new CliError(USAGE);
  const json = await adminCall(adminTarget(values), '/api/v1/admin/grants', {
    user,
    resource,
    duration: values.for,
    ...(values.reason ? { reason: values.reason } : {}),
  });
  const created = json.grant as { id: string; endsAt: string };
  console.error(`granted ${user} access to ${resource} until ${created.endsAt}`);
  console.log(created.id);
}

async function revoke(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { url: { type: 'string' }, 'state-dir': { type: 'string' } },
  });
  const [id] = positionals;
  if (!id || positionals.length > 1) throw new CliError(USAGE);
  await adminCall(adminTarget(values), `/api/v1/admin/grants/${encodeURIComponent(id)}/revoke`, {});
  console.error(`revoked ${id}`);
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const stop = await serve(rest);
      const shutdown = () => void stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    case 'grant':
      return grant(rest);
    case 'revoke':
      return revoke(rest);
    case 'audit':
      return auditCommand(rest);
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
    default:
      throw new CliError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  if (error instanceof CliError) {
    console.error(`jitgate: ${error.message}`);
    process.exit(error.exitCode);
  }
  if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`jitgate: ${error.message}\n${USAGE}`);
    process.exit(1);
  }
  console.error('jitgate: unexpected failure', error);
  process.exit(1);
});
