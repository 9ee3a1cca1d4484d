/**
 * The CLI sends bearer tokens, one-time login codes and client secrets with its calls: over
 * plain http to another machine, anyone on the path reads them. http is for a jitgate (or an
 * IdP) on this machine; a test network that has nothing better says so with
 * JITGATE_ALLOW_PLAIN_HTTP=1.
 */
import { isLoopbackHost } from '../shared/loopback.js';
import { CliError, EXIT } from './exit-codes.js';

export const ALLOW_PLAIN_HTTP_ENV = 'JITGATE_ALLOW_PLAIN_HTTP';

/** Refuses `url` (named `what` in the message) when credentials would cross the network bare. */
export function requireSafeTransport(url: URL, what: string, env: NodeJS.ProcessEnv): void {
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return;
  if (env[ALLOW_PLAIN_HTTP_ENV] === '1') return;
  throw new CliError(
    `${what} ${url.origin} is plain http on another machine: your credentials would cross the ` +
      `network unencrypted. Use its https URL (or set ${ALLOW_PLAIN_HTTP_ENV}=1 on a test network).`,
    EXIT.usage,
  );
}
