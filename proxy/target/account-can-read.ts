/**
 * Could this local account read this file? The target agent runs as root, but sshd reads an
 * account's AuthorizedKeysFile and AuthorizedPrincipalsFile with the account's own privileges. An
 * account that makes its `~/.ssh/authorized_principals` (or `~/.ssh`) a symlink to /etc/shadow
 * must not get root's reading of it sent to jitgate, so the agent reports a file only when the
 * account could have read it itself: the mode bits of the opened file (owner, else group, else
 * other, as the kernel chooses the class) allow reading, and every folder on its real path allows
 * searching. uid 0 reads everything. Not modelled: POSIX ACLs and capabilities.
 */
import { fstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

export interface LocalIdentity {
  uid: number;
  /** The primary group (passwd) and every supplementary group (/etc/group). */
  gids: readonly number[];
}

const READ = 0o4;
const SEARCH = 0o1;

/** The kernel's check of the mode bits: the owner class, else the group class, else other. */
export function modeAllows(who: LocalIdentity, stat: Stats, bit: number): boolean {
  if (who.uid === 0) return true;
  const shift = stat.uid === who.uid ? 6 : who.gids.includes(stat.gid) ? 3 : 0;
  return ((stat.mode >> shift) & bit) !== 0;
}

/**
 * Whether `who` could read the file open as `fd`, opened from `path`. The real path must still
 * name the opened file (a swap in between fails closed), and each folder on it must be searchable.
 */
export function accountCanRead(who: LocalIdentity, fd: number, path: string): boolean {
  if (who.uid === 0) return true;
  try {
    const opened = fstatSync(fd);
    if (!modeAllows(who, opened, READ)) return false;
    const real = realpathSync(path);
    const named = statSync(real);
    if (named.dev !== opened.dev || named.ino !== opened.ino) return false;
    for (let folder = dirname(real); ; folder = dirname(folder)) {
      if (!modeAllows(who, statSync(folder), SEARCH)) return false;
      if (folder === dirname(folder)) return true;
    }
  } catch {
    return false;
  }
}
