/**
 * One error type for everything jitgate answers with: a status, a stable code clients can match,
 * a message safe to show, and the cause for the logs only. The code is one of the error-code
 * table's, and the status one the table lists for it: the compiler holds both to the table.
 */
import type { CodeWithStatus, ErrorCode, StatusOf } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';

/** A status and a code that go together in the table. */
export type StatusAndCode<C extends ErrorCode = ErrorCode> = {
  [K in C]: [status: StatusOf<K>, code: K];
}[C];

export class JitgateError extends Error {
  readonly status: StatusOf<ErrorCode>;
  readonly code: ErrorCode;
  /**
   * Whether the message may be shown to the client. Server faults stay generic unless the
   * message was written for the client (`expose: true`): a cause it can act on or pass to an
   * operator, such as a setting that is missing, never a secret or an internal detail.
   */
  readonly expose: boolean;

  constructor(
    ...[status, code, message, options]: [
      ...StatusAndCode,
      string,
      { cause?: unknown; expose?: boolean }?,
    ]
  ) {
    super(message, options);
    this.name = 'JitgateError';
    this.status = status;
    this.code = code;
    this.expose = options?.expose ?? status < 500;
  }

  toJSON(): { error: { code: ErrorCode; message: string } } {
    return {
      error: { code: this.code, message: this.expose ? this.message : 'internal error' },
    };
  }
}

/** 429: a client went past a rate limit; the answer says when to try again (Retry-After). */
export class RateLimited extends JitgateError {
  constructor(
    readonly retryAfterS: number,
    message: string,
  ) {
    super(429, 'rate_limited', `${message}; try again in ${retryAfterS} s`);
    this.name = 'RateLimited';
  }

  override toJSON() {
    const json = super.toJSON();
    return { error: { ...json.error, retryAfter: this.retryAfterS } };
  }
}

/**
 * `code` goes with `status` by the parameter's type; TypeScript cannot see that a union of codes
 * fits the constructor's union of (status, code) pairs once a status has over 25 codes (it
 * compares unions member by member only up to 25), so the pair is asserted here, once.
 */
const withStatus = <S extends number>(status: S, code: CodeWithStatus<S>, message: string) =>
  new JitgateError(...([status, code, message] as unknown as [...StatusAndCode, string]));

export const badRequest = (code: CodeWithStatus<400>, message: string) =>
  withStatus(400, code, message);
export const unauthorized = (code: CodeWithStatus<401>, message: string) =>
  withStatus(401, code, message);
export const forbidden = (code: CodeWithStatus<403>, message: string) =>
  withStatus(403, code, message);
export const notFound = (code: CodeWithStatus<404>, message: string) =>
  withStatus(404, code, message);

/** Wraps anything thrown into a JitgateError without losing the cause. */
export function toJitgateError(error: unknown): JitgateError {
  if (error instanceof JitgateError) return error;
  return new JitgateError(500, 'internal_error', 'internal error', { cause: error });
}
