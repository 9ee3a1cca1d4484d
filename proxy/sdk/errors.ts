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
  ) {
    super(`${url} did not answer as jitgate (HTTP ${status}, ${contentType || 'no content type'})`);
    this.name = 'JitgateUnexpectedAnswer';
  }
}

/** The JSON object a jitgate answer carries, else JitgateUnexpectedAnswer. */
export async function jitgateJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
  throw new JitgateUnexpectedAnswer(response.url, response.status, contentType.trim());
}
