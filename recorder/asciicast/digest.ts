/**
 * What a recording's bytes come to (SHA-256 and length): of pieces as they stream
 * (RecordingStorage.open: a file in 1 MiB chunks, the archive's chunks), so one of hundreds of MiB
 * is neither held whole nor hashed in one turn of the event loop; or of bytes already in memory.
 */
import { createHash } from 'node:crypto';
import type { CastDigest } from './signature.js';

export async function digestOfChunks(chunks: AsyncIterable<Buffer>): Promise<CastDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export const digestOf = (content: Buffer): CastDigest => ({
  sha256: createHash('sha256').update(content).digest('hex'),
  bytes: content.length,
});
