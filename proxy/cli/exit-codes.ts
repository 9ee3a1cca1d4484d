/**
 * The CLI's exit codes (docs/cli.md) and its one error type. A CliError is a user error: main
 * prints its message on one line, never a stack trace. `jitgate exec` exits with its command's
 * own code instead.
 */
import { ConfigError } from '../config/errors.js';
import { JitgateApiError, JitgateUnexpectedAnswer, JitgateUnreachable } from '../sdk/errors.js';
import { JitgateError } from '../shared/errors.js';
import { causeText } from './cause-text.js';

export const EXIT = {
  ok: 0,
  /** Wrong usage, bad local input, a local file that cannot be read or written. */
  usage: 1,
  /** jitgate answered no: policy denied, not allowed, unknown id, invalid request. */
  refused: 2,
  /** jitgate (or the IdP) cannot be reached, or failed (5xx), or --url answers as something else. */
  unreachable: 3,
  /** `jitgate audit verify`: the hash chain is broken. */
  chainBroken: 4,
  /** Not signed in, or the credential was refused: run `jitgate login`. */
  unauthenticated: 5,
  /** --wait: the request was denied, expired or cancelled, or the wait timed out. */
  notGranted: 6,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

/**
 * The exit code for an HTTP refusal from jitgate (or the IdP): every CLI path that reads an
 * answer's status (the SDK, the admin token, `ssh`, `login`) decides it here.
 */
export function exitCodeFor(status: number, code: string): number {
  if (status === 401) return EXIT.unauthenticated;
  if ((code.startsWith('request_') && status === 409) || code === 'wait_timeout')
    return EXIT.notGranted;
  if (status >= 500) return EXIT.unreachable;
  return EXIT.refused;
}

/**
 * The CLI's view of a failure it can explain: one sentence and the matching exit code. That is
 * its own errors, the SDK's (jitgate answered, or could not be reached), and jitgate's own
 * errors thrown in this process: `serve` (and each worker of it) and the offline commands run
 * jitgate's code, and what it throws there is said as if jitgate had answered it over HTTP.
 * Anything else is a bug (undefined).
 */
export function cliErrorOf(error: unknown): CliError | undefined {
  if (error instanceof CliError) return error;
  if (error instanceof JitgateUnreachable)
    return new CliError(`${error.message} (is it running? use --url)`, EXIT.unreachable);
  if (error instanceof JitgateUnexpectedAnswer)
    return new CliError(`${error.message}: is --url jitgate's address?`, EXIT.unreachable);
  // A config's problems are the user's to fix (failure.ts prints them as they are).
  if (error instanceof ConfigError) return new CliError(error.message, EXIT.usage);
  if (error instanceof JitgateError)
    return new CliError(
      `${error.message} (${error.code})${causeText(error)}`,
      exitCodeFor(error.status, error.code),
    );
  if (!(error instanceof JitgateApiError)) return undefined;
  const reasons = error.reasons.join('; ');
  const said =
    reasons && error.message !== reasons ? `${error.message}: ${reasons}` : error.message;
  // A server fault it would not describe: say where the cause is and who can read it.
  const text =
    error.status >= 500 && error.message === 'internal error'
      ? `jitgate failed on the server (${error.code}): the cause is in its log; ask its operator`
      : `${said} (${error.code})`;
  return new CliError(text, exitCodeFor(error.status, error.code));
}
