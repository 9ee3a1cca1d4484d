/**
 * Argument parsing shared by the commands: node:util parseArgs with the options every command
 * takes (--url, --json), and a usage error (exit 1) for anything it does not know.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, EXIT } from './exit-codes.js';
import { requireSafeTransport } from './plain-http.js';
import { parseDuration } from '../shared/duration.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON = {
  url: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies Options;

export interface Parsed<O extends Options> {
  values: ReturnType<
    typeof parseArgs<{ options: O & typeof COMMON; allowPositionals: true }>
  >['values'];
  positionals: string[];
}

/** Parses `args` for a command; unknown options and bad values become a usage error. */
export function parseCommand<O extends Options>(
  args: string[],
  options: O,
  usage: string,
): Parsed<O> {
  try {
    return parseArgs({
      args,
      options: { ...options, ...COMMON },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : 'invalid arguments';
    throw new CliError(`${message}\nusage: ${usage}`, EXIT.usage);
  }
}

/** The proxy's URL: --url, else JITGATE_URL, else http://127.0.0.1:$PORT (8080). */
export function proxyUrl(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = url ?? env.JITGATE_URL ?? `http://127.0.0.1:${env.PORT || '8080'}`;
  const parsed = URL.parse(chosen);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new CliError(`--url must be an http(s) URL`, EXIT.usage);
  requireSafeTransport(parsed, 'jitgate at', env);
  return parsed.origin;
}

/**
 * "30m", "1h30m", "90s": checked here so a typo (or a zero) fails before any request is made,
 * with the same exit code whichever command takes it.
 */
export function durationArg(value: string | undefined, name: string): string {
  if (value === undefined) throw new CliError(`${name} is required (e.g. ${name} 30m)`, EXIT.usage);
  if (!/^(\d+[dhms])+$/.test(value))
    throw new CliError(`${name} must be a duration such as 30m or 1h30m`, EXIT.usage);
  // A zero duration is the same kind of mistake as a malformed one: caught here, not by jitgate.
  if (!parseDuration(value))
    throw new CliError(`${name} must be longer than zero, such as 30m`, EXIT.usage);
  return value;
}

/** Exactly `count` positionals, else a usage error naming what is missing. */
export function positionalsOf(parsed: { positionals: string[] }, names: string[], usage: string) {
  if (parsed.positionals.length !== names.length)
    throw new CliError(`expected ${names.join(' ')}\nusage: ${usage}`, EXIT.usage);
  return parsed.positionals;
}
