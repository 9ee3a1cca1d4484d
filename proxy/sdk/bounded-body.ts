/**
 * Reading an answer's body with a bound. The client reads what a server sends; one that sends
 * without end (broken, hostile, or a man in the middle of plain http) would otherwise grow the
 * CLI's memory for as long as the call's timeout lets it (a 400 MiB answer took 7 GB of RSS).
 */
import { JitgateUnexpectedAnswer } from './errors.js';

/**
 * Far above jitgate's largest answer (an access report of 2,000 grants, a few MiB), far below
 * what would exhaust a CI runner's memory.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const tooLarge = (response: Response) =>
  new JitgateUnexpectedAnswer(
    response.url,
    response.status,
    response.headers.get('content-type') ?? '',
    `answered more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`,
  );

/** The body as text, or JitgateUnexpectedAnswer once it passes MAX_ANSWER_BYTES. */
export async function boundedText(response: Response): Promise<string> {
  if (Number(response.headers.get('content-length')) > MAX_ANSWER_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(response);
  }
  const body = response.body as ReadableStream<Uint8Array> | null;
  const reader = body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(response);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The body parsed as JSON, undefined when it is not JSON (a bound passed still throws). */
export async function boundedJson(response: Response): Promise<unknown> {
  const text = await boundedText(response);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The JSON object a jitgate answer carries, else JitgateUnexpectedAnswer. */
export async function jitgateJson(response: Response): Promise<Record<string, unknown>> {
  const parsed = await boundedJson(response);
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  throw new JitgateUnexpectedAnswer(
    response.url,
    response.status,
    response.headers.get('content-type') ?? '',
  );
}
