/**
 * What `jitgate` prints and exits with when a command fails (main.ts): a bad config lists its
 * problems; a user error, a refusal or jitgate's own error (exit-codes.ts) is one line with its
 * exit code; bad arguments add the usage. Only what nobody expected is printed as unexpected,
 * with its stack. A message quotes the server and other people (a denial comment): it reaches the
 * terminal as terminalText shows it.
 */
import { ConfigError } from '../config/errors.js';
import { cliErrorOf, EXIT } from './exit-codes.js';
import { terminalText } from './output.js';
import { USAGE } from './usage.js';

export interface CliFailure {
  /** The arguments of the one console.error call. */
  say: [string, ...unknown[]];
  exitCode: number;
}

export function failureOf(error: unknown): CliFailure {
  if (error instanceof ConfigError)
    return { say: [terminalText(error.message)], exitCode: EXIT.usage };
  const known = cliErrorOf(error);
  if (known) return { say: [`jitgate: ${terminalText(known.message)}`], exitCode: known.exitCode };
  if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  )
    return { say: [`jitgate: ${error.message}\n${USAGE}`], exitCode: EXIT.usage };
  return { say: ['jitgate: unexpected failure', error], exitCode: EXIT.usage };
}
