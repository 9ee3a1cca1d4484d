/**
 * `jitgate exec RESOURCE --for 10m --reason R -- CMD …`: get a grant (reuse a live one, else
 * request it and wait for approval), put its credential in CMD's environment (and take the CLI's
 * own sign-in out of it), run CMD with signals forwarded, release the grant it asked for when CMD
 * exits, and exit with CMD's code. Stopped by a signal before CMD runs, it withdraws its request
 * (or releases its grant) and exits 128 + N.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JitgateClient } from '../../sdk/jitgate-client.js';
import { durationArg, parseCommand } from '../args.js';
import { CliError, EXIT } from '../exit-codes.js';
import { obtainGrant } from '../grant-flow.js';
import { say } from '../output.js';
import { clientFor, SIGN_IN_ENV } from '../session.js';
import { writeSshCertificate } from '../ssh-keys.js';
import {
  osSignal,
  SIGNALS,
  signalsUntilCommand,
  type SignalsUntilCommand,
} from '../exec-signals.js';

const USAGE =
  'jitgate exec RESOURCE --for 10m --reason TEXT [--ticket T] [--login L] [--url URL] -- CMD [ARG…]';
const SSH_LOGIN_REQUIRED = '--login is required for an SSH resource';
const sayJitgate = (line: string) => say(`jitgate: ${line}`);

/** The environment CMD gets for this grant, and what to clean up afterwards. */
async function credentialEnv(
  client: JitgateClient,
  grantId: string,
  kind: string,
  login: string | undefined,
): Promise<{ env: Record<string, string>; cleanup: () => void }> {
  if (kind === 'ssh') {
    if (!login) throw new CliError(SSH_LOGIN_REQUIRED, EXIT.usage);
    const dir = mkdtempSync(join(tmpdir(), 'jitgate-ssh-'));
    const files = await writeSshCertificate(client, grantId, login, dir);
    const env = {
      JITGATE_SSH_KEY: files.key,
      JITGATE_SSH_CERT: files.certificate,
      JITGATE_SSH_LOGIN: login,
      // Key files, not an agent: the certificate and key go only where CMD passes them.
      SSH_AUTH_SOCK: '',
    };
    return { env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const credential = await client.credentials(grantId);
  if (credential.kind === 'postgres') {
    const env = {
      DATABASE_URL: credential.url,
      PGHOST: credential.host,
      PGPORT: String(credential.port),
      PGUSER: credential.user,
      PGPASSWORD: credential.password,
      PGDATABASE: credential.database,
    };
    return { env, cleanup: () => undefined };
  }
  const env = {
    JITGATE_KUBE_TOKEN: credential.token,
    ...(credential.server ? { JITGATE_KUBE_SERVER: credential.server } : {}),
  };
  return { env, cleanup: () => undefined };
}

/**
 * CMD's environment: this process's, without what the CLI signed in with (SIGN_IN_ENV), and with
 * the grant's credential. CMD acts with the access it asked for, for as long as the grant runs.
 */
export function commandEnv(
  parent: NodeJS.ProcessEnv,
  credential: Readonly<Record<string, string>>,
): NodeJS.ProcessEnv {
  const env = { ...parent };
  for (const name of SIGN_IN_ENV) delete env[name];
  return { ...env, ...credential };
}

function run(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const [file = '', ...args] = command;
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    SIGNALS.forEach((signal) => process.on(signal, forward));
    const done = (code: number) => {
      SIGNALS.forEach((signal) => process.off(signal, forward));
      resolve(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      sayJitgate(
        `cannot run ${file}: ${error.code === 'ENOENT' ? 'command not found' : (error.code ?? 'failed')}`,
      );
      done(error.code === 'ENOENT' ? 127 : 126);
    });
    // A command killed by a signal exits like a shell reports it: 128 + the signal number.
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? osSignal(signal) : 0)));
  });
}

export async function exec(args: string[]): Promise<number> {
  const split = args.indexOf('--');
  if (split < 0 || split === args.length - 1)
    throw new CliError(`no command after --\nusage: ${USAGE}`);
  const parsed = parseCommand(
    args.slice(0, split),
    {
      for: { type: 'string' },
      reason: { type: 'string' },
      ticket: { type: 'string' },
      login: { type: 'string' },
    },
    USAGE,
  );
  const [resource] = parsed.positionals;
  if (!resource || parsed.positionals.length !== 1)
    throw new CliError(`expected RESOURCE\nusage: ${USAGE}`);
  const { values } = parsed;
  const duration = durationArg(values.for, '--for');
  const client = clientFor(values.url);
  const signals = signalsUntilCommand();
  try {
    return await execWithGrant(client, resource, duration, values, args.slice(split + 1), signals);
  } catch (error) {
    if (!signals.interrupted.aborted) throw error;
    const signal = signals.interrupted.reason as NodeJS.Signals;
    sayJitgate(`stopped by ${signal} before the command ran`);
    return 128 + osSignal(signal);
  } finally {
    signals.handOver();
  }
}

async function execWithGrant(
  client: JitgateClient,
  resource: string,
  duration: string,
  values: { reason?: string | undefined; ticket?: string | undefined; login?: string | undefined },
  command: string[],
  signals: SignalsUntilCommand,
): Promise<number> {
  const { interrupted } = signals;
  const known = (await client.resources()).find((r) => r.id === resource);
  if (!known)
    throw new CliError(`no resource "${resource}" (see: jitgate resources)`, EXIT.refused);
  // Before asking: an approver's yes must not be spent on a command that cannot run.
  if (known.kind === 'ssh' && !values.login)
    throw new CliError(`${SSH_LOGIN_REQUIRED}\nusage: ${USAGE}`, EXIT.usage);
  const { grant, reused } = await obtainGrant(client, {
    resource,
    duration,
    reason: values.reason,
    ticket: values.ticket,
    wait: true,
    onPending: (id, reasons) =>
      sayJitgate(`request ${id} waits for approval: ${reasons.join('; ')}`),
    signal: interrupted,
  });
  let code = 1;
  try {
    interrupted.throwIfAborted();
    sayJitgate(`${reused ? 'using' : 'granted'} ${resource} until ${grant.endsAt} (${grant.id})`);
    const { env, cleanup } = await credentialEnv(client, grant.id, known.kind, values.login);
    try {
      interrupted.throwIfAborted();
      signals.handOver();
      code = await run(command, commandEnv(process.env, env));
    } finally {
      cleanup();
    }
  } finally {
    // Only a grant this run asked for: a reused one may serve another job still.
    if (!reused)
      await client
        .release(grant.id)
        .catch(() => sayJitgate(`could not release ${grant.id}; it ends at ${grant.endsAt}`));
  }
  return code;
}
