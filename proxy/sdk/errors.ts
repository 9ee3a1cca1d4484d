/** What the SDK throws: the API's refusal (status, stable code, reasons), or no answer at all. */
export class JitgateApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reasons: string[] = [],
  ) {
    super(message);
    this.name = 'JitgateApiError';
  }
}

export class JitgateUnreachable extends Error {
  constructor(
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach jitgate at ${url}`, options);
    this.name = 'JitgateUnreachable';
  }
}
