/**
 * Where recordings are written: the disk by default. The writer only needs these three calls, so
 * tests (and anyone proving the fail-closed paths) can hand it a file that fails on cue.
 */
import { open } from 'node:fs/promises';

export interface CastFile {
  /** Writes all of `data` at the end of the file. */
  write(data: Buffer): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface CastFiles {
  /** Creates a new file (mode 0600); fails when it exists, so nothing is ever overwritten. */
  create(path: string): Promise<CastFile>;
}

export const diskFiles: CastFiles = {
  async create(path) {
    const handle = await open(path, 'wx', 0o600);
    return {
      async write(data) {
        let offset = 0;
        while (offset < data.length) {
          const { bytesWritten } = await handle.write(data, offset);
          offset += bytesWritten;
        }
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
};
