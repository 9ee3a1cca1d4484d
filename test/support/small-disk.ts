/**
 * A full disk on cue: a folder on a tmpfs of its own (a hard size limit), which a test fills up
 * to the last byte and frees again. Mounting needs root, as the test machines run; `unmount()`
 * goes in the test's `after`, whatever happened.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the disk refuses another byte. */
  fill(): void;
  /** Removes the filler: the space is back. */
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(megabytes: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'jitgate-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0700`, 'tmpfs', dir]);
  } catch (error) {
    rmdirSync(dir);
    throw new Error(`cannot mount a tmpfs at ${dir} (these fault tests run as root)`, {
      cause: error,
    });
  }
  const filler = join(dir, 'filler');
  let mounted = true;
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        // Big writes first, then ever smaller ones, so not even a page is left over.
        for (let size = 1 << 20; size >= 1; size >>= 2) {
          const chunk = Buffer.alloc(size);
          try {
            for (;;) writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free: () => rmSync(filler, { force: true }),
    unmount() {
      if (!mounted) return;
      mounted = false;
      // Lazy: a file a test left open (a process still closing) cannot keep the mount busy.
      execFileSync('umount', ['-l', dir]);
      rmdirSync(dir);
    },
  };
}
