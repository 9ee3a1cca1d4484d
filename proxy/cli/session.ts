/**
 * The client a command talks through, and who it acts as: a machine when JITGATE_CLIENT_ID,
 * JITGATE_CLIENT_SECRET and JITGATE_TOKEN_URL are set (client credentials at the IdP), else a
 * JITGATE_TOKEN, else the person's token saved by `jitgate login` for this URL.
 */
import { JitgateClient } from '../sdk/jitgate-client.js';
import { proxyUrl } from './args.js';
import { loadLogin } from './credentials-file.js';
import { CliError, EXIT } from './exit-codes.js';
import { requireSafeTransport } from './plain-http.js';

/**
 * Every variable the CLI signs in with (here and in ssh-command.ts): its own long-lived secrets,
 * and the names that go with them. `jitgate exec` keeps them from its command
 * (commands/exec.ts), which gets only the short-lived credential of the grant: a command that
 * could sign in as the machine could mint its own grants long after `exec` ended. A new way of
 * signing in from the environment belongs in this list.
 */
export const SIGN_IN_ENV = [
  'JITGATE_CLIENT_ID',
  'JITGATE_CLIENT_SECRET',
  'JITGATE_TOKEN_URL',
  'JITGATE_RESOURCE_INDICATOR',
  'JITGATE_TOKEN',
] as const;

export function machineFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const clientId = env.JITGATE_CLIENT_ID;
  const clientSecret = env.JITGATE_CLIENT_SECRET;
  const tokenUrl = env.JITGATE_TOKEN_URL;
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret || !tokenUrl)
    throw new CliError(
      'set all of JITGATE_CLIENT_ID, JITGATE_CLIENT_SECRET and JITGATE_TOKEN_URL for a machine login',
      EXIT.usage,
    );
  const parsed = URL.parse(tokenUrl);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new CliError('JITGATE_TOKEN_URL must be an http(s) URL', EXIT.usage);
  requireSafeTransport(parsed, 'the token endpoint at', env);
  const resource = env.JITGATE_RESOURCE_INDICATOR;
  return { clientId, clientSecret, tokenUrl, ...(resource ? { resource } : {}) };
}

/** Whether any credential is at hand (commands with an admin fallback ask this first). */
export function hasCredential(url: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  return (
    machineFromEnv(env) !== undefined || !!env.JITGATE_TOKEN || !!loadLogin(proxyUrl(url, env), env)
  );
}

export function clientFor(url: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  const base = proxyUrl(url, env);
  const machine = machineFromEnv(env);
  if (machine) return JitgateClient.forMachine(base, machine);
  if (env.JITGATE_TOKEN) return new JitgateClient({ url: base, token: env.JITGATE_TOKEN });
  const login = loadLogin(base, env);
  if (!login)
    throw new CliError(
      `not logged in to ${base} (run: jitgate login --url ${base}, or set JITGATE_CLIENT_ID/SECRET/TOKEN_URL)`,
      EXIT.unauthenticated,
    );
  return new JitgateClient({ url: base, token: login.token });
}
