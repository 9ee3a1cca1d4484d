/**
 * The one structured logger: JSON lines on stdout. Never pass tokens, cookies or credentials;
 * `redact` masks the fields that commonly carry them in case one slips into a context object.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEYS = /(token|secret|password|cookie|authorization|assertion|code_verifier)/i;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
}

const MAX_DEPTH = 8;

const isPlainObject = (value: object): value is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** How many of an AggregateError's errors are logged (each with its own causes). */
const MAX_AGGREGATED = 5;

/**
 * An error as a log field: its name, message and string `code` (SQLITE_FULL, ECONNREFUSED, a
 * jitgate error code), then what caused it, all the way down (`fetch failed` alone says nothing;
 * its cause says which address refused). An AggregateError (a connection tried on several
 * addresses) shows its first errors.
 */
function errorFields(error: Error, depth: number, ancestors: Set<object>): LogFields {
  const fields: LogFields = { name: error.name, message: error.message };
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') fields.code = code;
  if (ancestors.has(error) || depth >= MAX_DEPTH) return fields;
  ancestors.add(error);
  if (error instanceof AggregateError && Array.isArray(error.errors))
    fields.errors = (error.errors as unknown[])
      .slice(0, MAX_AGGREGATED)
      .map((item) => redactValue(item, depth + 1, ancestors));
  if (error.cause !== undefined) fields.cause = redactValue(error.cause, depth + 1, ancestors);
  ancestors.delete(error);
  return fields;
}

/**
 * Masks secret keys at any depth of plain objects and arrays (a request's `headers` slipped into
 * a context object still loses its cookie), and cuts cycles so a log call never throws.
 */
function redactValue(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (value instanceof Error) return errorFields(value, depth, ancestors);
  if (value === null || typeof value !== 'object') return value;
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (ancestors.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  ancestors.add(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((item) => redactValue(item, depth + 1, ancestors));
  else {
    const fields: LogFields = {};
    for (const [key, item] of Object.entries(value))
      fields[key] = SECRET_KEYS.test(key) ? '[redacted]' : redactValue(item, depth + 1, ancestors);
    out = fields;
  }
  ancestors.delete(value);
  return out;
}

const redact = (fields: LogFields) => redactValue(fields, 0, new Set()) as LogFields;

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const log = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold) return;
    const record = {
      time: new Date().toISOString(),
      level,
      msg,
      ...redact({ ...base, ...fields }),
    };
    write(JSON.stringify(record));
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (fields) => createLogger(options, { ...base, ...fields }),
    enabled: (level) => LEVELS[level] >= threshold,
  };
}

/** A logger that drops everything, for tests that do not read logs. */
export const silentLogger: Logger = createLogger({ write: () => undefined });
