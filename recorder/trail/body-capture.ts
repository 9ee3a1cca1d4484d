/**
 * Keeps the first `max` bytes of a request body as it streams through to the app: the body is
 * never held whole, and the bytes past the limit are only counted.
 */
export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private keptBytes = 0;
  /** Bytes seen in all. */
  size = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    const room = this.max - this.keptBytes;
    if (room <= 0) return;
    // A copy: holding a view would keep the caller's (possibly large, pooled) buffer alive.
    const part = Buffer.from(chunk.subarray(0, room));
    this.chunks.push(part);
    this.keptBytes += part.length;
  }

  kept(): Buffer {
    return this.chunks.length === 1
      ? (this.chunks[0] ?? Buffer.alloc(0))
      : Buffer.concat(this.chunks);
  }
}
