/**
 * One error type for everything jitgate answers with: a status, a stable code clients can match,
 * a message safe to show, and the cause for the logs only.
 */
export class JitgateError extends Error {
  readonly status: number;
  readonly code: string;
  /** Whether the message may be shown to the client (server faults stay generic). */
  readonly expose: boolean;

  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JitgateError';
    this.status = status;
    this.code = code;
    this.expose = status < 500;
  }

  toJSON(): { error: { code: string; message: string } } {
    return {
      error: { code: this.code, message: this.expose ? this.message : 'internal error' },
    };
  }
}

export const badRequest = (code: string, message: string) => new JitgateError(400, code, message);
export const unauthorized = (code: string, message: string) => new JitgateError(401, code, message);
export const forbidden = (code: string, message: string) => new JitgateError(403, code, message);
export const notFound = (code: string, message: string) => new JitgateError(404, code, message);

/** Wraps anything thrown into a JitgateError without losing the cause. */
export function toJitgateError(error: unknown): JitgateError {
  if (error instanceof JitgateError) return error;
  return new JitgateError(500, 'internal_error', 'internal error', { cause: error });
}
