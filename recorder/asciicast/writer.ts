/**
 * Writes one asciicast v2 recording incrementally. Events are queued as lines and written in
 * batches: at the latest `flushMs` (≤ 1 s) after they arrive, so a crash loses at most about a
 * second. While a write is in flight new lines gather into the next batch, so a busy session is
 * written back to back in large chunks. The queue is bounded: past `highWaterMark` the event
 * methods answer false (the caller pauses its source until `onDrain`), past `limit` the recording
 * fails. The SHA-256 of every byte written is kept as it goes, so closing never re-reads the file.
 */
import { createHash, type Hash } from 'node:crypto';
import type { CastFile } from './files.js';
import { eventLine, headerLine, resizeData, type CastCode, type CastHeader } from './format.js';

export interface CastWriterOptions {
  file: CastFile;
  header: CastHeader;
  /** Wall clock (ms); event times are measured from the first call. */
  now: () => number;
  /** Longest an event waits in memory, ms (default 250, at most 1000). */
  flushMs?: number;
  /** Queued bytes past which the event methods answer false (default 256 KiB). */
  highWaterMark?: number;
  /** Queued bytes past which the recording fails instead of growing (default 8 MiB). */
  limit?: number;
  /** The recording cannot go on (write error, too far behind); called once. */
  onError(error: Error): void;
  /** The queue went back under half the high-water mark after an event method answered false. */
  onDrain?(): void;
}

export interface ClosedCast {
  sha256: string;
  bytes: number;
}

export class CastWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly startedAt: number;
  private readonly flushMs: number;
  private readonly highWaterMark: number;
  private readonly limit: number;
  private queue: string[] = [];
  private queued = 0;
  private lastTime = 0;
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private wantsDrain = false;
  private closed = false;
  failure: Error | undefined;

  private constructor(private readonly options: CastWriterOptions) {
    this.startedAt = options.now();
    this.flushMs = Math.min(options.flushMs ?? 250, 1000);
    this.highWaterMark = options.highWaterMark ?? 256 * 1024;
    this.limit = options.limit ?? 8 * 1024 * 1024;
  }

  /** Writes the header and syncs it: a recording that cannot start fails here, not later. */
  static async start(options: CastWriterOptions): Promise<CastWriter> {
    const writer = new CastWriter(options);
    const header = Buffer.from(headerLine(options.header));
    await options.file.write(header);
    await options.file.sync();
    writer.hash.update(header);
    writer.bytes = header.length;
    return writer;
  }

  output(data: string): boolean {
    return this.push('o', data);
  }

  input(data: string): boolean {
    return this.push('i', data);
  }

  resize(cols: number, rows: number): boolean {
    return this.push('r', resizeData(cols, rows));
  }

  marker(label: string): boolean {
    return this.push('m', label);
  }

  /** Whether an event method answered false and the queue has not drained since. */
  get congested(): boolean {
    return this.wantsDrain;
  }

  /** Writes everything queued now. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
    return this.writing;
  }

  /** Writes what is queued, syncs and closes; resolves with the checksum of the whole file. */
  async close(): Promise<ClosedCast> {
    this.closed = true;
    await this.flush();
    try {
      if (this.failure) throw this.failure;
      await this.options.file.sync();
      return { sha256: this.hash.digest('hex'), bytes: this.bytes };
    } finally {
      await this.options.file.close().catch(() => undefined);
    }
  }

  private push(code: CastCode, data: string): boolean {
    if (this.failure || this.closed) return false;
    // Clocks may step back (NTP); asciicast times must not.
    const time = Math.max(this.lastTime, (this.options.now() - this.startedAt) / 1000);
    this.lastTime = time;
    const line = eventLine(time, code, data);
    this.queue.push(line);
    this.queued += line.length;
    if (this.queued > this.limit) {
      this.fail(new Error('the recording fell too far behind the session'));
      return false;
    }
    if (this.queued >= this.highWaterMark) {
      this.wantsDrain = true;
      void this.flush();
      return false;
    }
    if (!this.timer && !this.writing) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
    return true;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      const chunk = Buffer.from(this.queue.join(''));
      this.queue = [];
      this.queued = 0;
      try {
        await this.options.file.write(chunk);
      } catch (error) {
        return this.fail(error instanceof Error ? error : new Error(String(error)));
      }
      this.hash.update(chunk);
      this.bytes += chunk.length;
      if (this.wantsDrain && this.queued < this.highWaterMark / 2) {
        this.wantsDrain = false;
        this.options.onDrain?.();
      }
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.queue = [];
    this.queued = 0;
    if (this.timer) clearTimeout(this.timer);
    this.options.onError(error);
  }
}
