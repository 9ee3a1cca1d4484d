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

/**
 * An answer that is not jitgate's: a success without a JSON object (another web server at that
 * URL, an app host, the sign-in page of a proxy in front of jitgate). Taken as success, it would
 * say a revoke or a release happened that never reached jitgate.
 */
export class JitgateUnexpectedAnswer extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly contentType: string,
    why = 'did not answer as jitgate',
  ) {
    super(
      `${url} ${why} (HTTP ${status}, ${contentType.split(';')[0]?.trim() || 'no content type'})`,
    );
    this.name = 'JitgateUnexpectedAnswer';
  }
}
