/**
 * Sends a recording (RecordingStorage.open) once its audit event is written, for the API and the
 * portal alike. An event that cannot be written refuses the bytes (the file is closed and the
 * error handler answers); the bytes stream, so a download of hundreds of MiB is never held whole.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

export async function sendRecording(
  res: Response,
  opened: { stream: Readable; bytes?: number },
  audit: () => Promise<unknown>,
  headers: Record<string, string>,
): Promise<void> {
  try {
    await audit();
  } catch (error) {
    opened.stream.destroy();
    throw error;
  }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (opened.bytes !== undefined) res.setHeader('content-length', String(opened.bytes));
  // A client that leaves, or a read that fails, ends the response where it is (cut short of its
  // length, or of its final chunk): the client sees it is incomplete, nothing is left to answer.
  await pipeline(opened.stream, res).catch(() => undefined);
}
