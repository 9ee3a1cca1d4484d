/**
 * What a recording's bytes come to (SHA-256 and length): of a file as it streams in 1 MiB
 * chunks, so one of hundreds of MiB is neither held whole nor hashed in one turn of the event
 * loop; or of bytes already in memory (a recording read from the archive).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { CastDigest } from './signature.js';

export async function digestOfFile(path: string): Promise<CastDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export const digestOf = (content: Buffer): CastDigest => ({
  sha256: createHash('sha256').update(content).digest('hex'),
  bytes: content.length,
});
