/**
 * Recordings on disk: `<dir>/<id>.cast`, its sidecar `<id>.cast.sig.json`, and while it is being
 * written an `<id>.cast.open` marker. Ids are made here and checked on every lookup, so no path
 * from outside ever reaches the file system. A marker left behind by a crash is how recovery
 * (recovery.ts) finds the recordings to close. With an archive (the store, shared by replicas),
 * each sealed recording is also put there, and a recording this disk does not hold is read from
 * it: every replica plays back and verifies what any replica recorded.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import {
  open as openFile,
  readFile,
  rename,
  rm,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { digestOfChunks } from './digest.js';
import { diskFiles, type CastFiles } from './files.js';
import type { CastHeader } from './format.js';
import {
  parseSignature,
  sealRecording,
  verifyDigest,
  type CastSignature,
  type CastVerification,
} from './signature.js';
import { CastWriter, type CastWriterOptions } from './writer.js';

const ID = /^ts_[A-Za-z0-9_-]{22}$/;

export const isRecordingId = (id: string) => ID.test(id);

/** A fresh id: 128 random bits, never derived from anything a client sent. */
export const newRecordingId = () => `ts_${randomBytes(16).toString('base64url')}`;

/** Where sealed recordings are kept for every replica (the proxy hands in its store). */
export interface RecordingArchive {
  /** Keeps a sealed recording; a second put of the same id keeps the first. */
  put(id: string, cast: Buffer, signature: string): Promise<void>;
  /** The sidecar's JSON, without reading the recording; undefined when it is not archived. */
  signature(id: string): Promise<string | undefined>;
  /** The recording in order, a piece at a time as asked for; nothing when it is not archived. */
  chunks(id: string): AsyncIterable<Buffer>;
}

export type WriterTuning = Pick<CastWriterOptions, 'flushMs' | 'highWaterMark' | 'limit'>;

export interface RecordingStorageOptions {
  dir: string;
  /** Signs sidecars at close. */
  signingKey: KeyObject;
  /** Public keys whose signatures verify (the current signer is always one). */
  trustedKeys?: KeyObject[];
  files?: CastFiles;
  now: () => number;
  tuning?: WriterTuning;
  archive?: RecordingArchive;
  /**
   * A sealed recording the archive refused (e.g. the store is down): it stays on this disk,
   * readable here only, and sealing is not failed for it.
   */
  onArchiveError?: (id: string, error: unknown) => void;
}

export interface StartedRecording {
  id: string;
  file: string;
  writer: CastWriter;
}

export class RecordingStorage {
  readonly dir: string;
  private readonly files: CastFiles;

  constructor(private readonly options: RecordingStorageOptions) {
    this.dir = options.dir;
    this.files = options.files ?? diskFiles;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The file name of a recording; throws for anything that is not one of our ids. */
  fileOf(id: string): string {
    if (!isRecordingId(id)) throw new Error('not a recording id');
    return `${id}.cast`;
  }

  pathOf(id: string): string {
    return join(this.dir, this.fileOf(id));
  }

  get trustedKeys(): KeyObject[] {
    return this.options.trustedKeys ?? [];
  }

  /** Creates the marker, then the file with its header. Any failure here refuses the session. */
  async start(
    id: string,
    header: CastHeader,
    handlers: Pick<CastWriterOptions, 'onError' | 'onDrain'>,
  ): Promise<StartedRecording> {
    const path = this.pathOf(id);
    await writeFile(`${path}.open`, JSON.stringify({ id, startedAt: this.options.now() }), {
      flag: 'wx',
      mode: 0o600,
    });
    try {
      const file = await this.files.create(path);
      const writer = await CastWriter.start({
        file,
        header,
        now: this.options.now,
        ...this.options.tuning,
        ...handlers,
      }).catch(async (error: unknown) => {
        await file.close().catch(() => undefined);
        throw error;
      });
      return { id, file: this.fileOf(id), writer };
    } catch (error) {
      await rm(`${path}.open`, { force: true });
      throw error;
    }
  }

  /** Closes the writer, writes the sidecar, then removes the marker: the order a crash needs. */
  async finish(recording: StartedRecording): Promise<CastSignature> {
    const closed = await recording.writer.close();
    return this.seal(recording.id, closed.sha256, closed.bytes, false);
  }

  async seal(id: string, sha256: string, bytes: number, recovered: boolean) {
    const path = this.pathOf(id);
    const signature = sealRecording({
      recording: id,
      file: this.fileOf(id),
      sha256,
      bytes,
      recovered,
      privateKey: this.options.signingKey,
      now: this.options.now(),
    });
    const sidecar = JSON.stringify(signature, null, 2) + '\n';
    await writeFile(`${path}.sig.json.tmp`, sidecar, { mode: 0o600 });
    await rename(`${path}.sig.json.tmp`, `${path}.sig.json`);
    await rm(`${path}.open`, { force: true });
    await this.archive(id, sidecar);
    return signature;
  }

  /**
   * Removes a leftover `.open` marker and nothing else: the recording and its sidecar stay as
   * they are, for verification to judge.
   */
  async dropMarker(id: string): Promise<void> {
    await rm(`${this.pathOf(id)}.open`, { force: true });
  }

  /** Puts a sealed recording in the archive; a refusal is reported, never thrown. */
  private async archive(id: string, sidecar: string): Promise<void> {
    const { archive, onArchiveError } = this.options;
    if (!archive) return;
    try {
      await archive.put(id, await readFile(this.pathOf(id)), sidecar);
    } catch (error) {
      onArchiveError?.(id, error);
    }
  }

  async signature(id: string): Promise<CastSignature | undefined> {
    const text =
      (await readFile(`${this.pathOf(id)}.sig.json`, 'utf8').catch(() => undefined)) ??
      (await this.options.archive?.signature(id));
    return text === undefined ? undefined : parseSignature(text);
  }

  /**
   * The recording's bytes as a stream: this disk's file, opened now (so a missing one is known
   * before anything is sent, and a download never holds it whole) with its size, else the
   * archive's copy (recorded by another replica), size unknown. Destroy the stream when it will
   * not be read.
   */
  async open(id: string): Promise<{ stream: Readable; bytes?: number }> {
    let handle: FileHandle | undefined;
    try {
      handle = await openFile(this.pathOf(id), 'r');
      const { size } = await handle.stat();
      return { stream: handle.createReadStream({ highWaterMark: 1024 * 1024 }), bytes: size };
    } catch (error) {
      await handle?.close();
      const archived = isMissing(error) ? await this.fromArchive(id) : undefined;
      if (!archived) throw error;
      return { stream: archived };
    }
  }

  /** The archive's copy as a stream, or undefined when it has none (its first piece is read). */
  private async fromArchive(id: string): Promise<Readable | undefined> {
    const pieces = this.options.archive?.chunks(id)[Symbol.asyncIterator]();
    const first = await pieces?.next();
    if (!pieces || !first || first.done) return undefined;
    return Readable.from(
      (async function* () {
        yield first.value;
        for (let next = await pieces.next(); !next.done; next = await pieces.next())
          yield next.value;
      })(),
    );
  }

  /** The recording's bytes, whole: from this disk, else from the archive. */
  async read(id: string): Promise<Buffer> {
    const { stream } = await this.open(id);
    return Buffer.concat((await stream.toArray()) as Buffer[]);
  }

  /**
   * Checks recording `id` against its sidecar and against `storedSha256`, the checksum its
   * session's row holds (null when it holds none): see ExpectedRecording. Hashed as it streams
   * from this disk or the archive: one of hundreds of MiB is never held whole, nor hashed in one
   * turn of the event loop.
   */
  async verify(id: string, storedSha256: string | null): Promise<CastVerification> {
    const sidecar = await this.signature(id);
    if (!sidecar)
      return { ok: false as const, reason: 'malformed_signature' as const, detail: 'no signature' };
    const { stream } = await this.open(id);
    return verifyDigest(await digestOfChunks(stream), sidecar, this.trustedKeys, {
      recording: id,
      storedSha256,
    });
  }
}

const isMissing = (error: unknown) =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
