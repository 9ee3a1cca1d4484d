/**
 * The target agent (root) reports an account's keys and principals files only if the account
 * could read them itself, as sshd reads them with the account's privileges: real files, chown'ed
 * to arbitrary uids and gids and chmod'ed, decide through the mode bits of the file and of each
 * folder on its real path, never through a symlink's own name.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { accountCanRead, type LocalIdentity } from '../../../proxy/target/account-can-read.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-account-can-read-'));
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));

const owner: LocalIdentity = { uid: 2001, gids: [2001] };
const member: LocalIdentity = { uid: 2002, gids: [2002, 3001] };
const stranger: LocalIdentity = { uid: 2003, gids: [2003] };
const root: LocalIdentity = { uid: 0, gids: [0] };

function file(name: string, uid: number, gid: number, mode: number, folder = dir): string {
  const path = join(folder, name);
  writeFileSync(path, 'line\n');
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  return path;
}

function folder(name: string, uid: number, gid: number, mode: number): string {
  const path = join(dir, name);
  mkdirSync(path);
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  return path;
}

/** Opens `path` as the agent does (non-blocking) and asks. */
function canRead(who: LocalIdentity, path: string): boolean {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return accountCanRead(who, fd, path);
  } finally {
    closeSync(fd);
  }
}

void describe('accountCanRead', () => {
  void it('reads by the owner class, else the group class, else other', () => {
    const own = file('own', 2001, 2001, 0o600);
    assert.equal(canRead(owner, own), true);
    assert.equal(canRead(stranger, own), false);
    const grouped = file('grouped', 0, 3001, 0o640);
    assert.equal(canRead(member, grouped), true, 'a supplementary group');
    assert.equal(canRead(stranger, grouped), false);
    // The kernel picks one class: an owner without read bits cannot read what others can.
    const ownerDenied = file('owner-denied', 2001, 2001, 0o004);
    assert.equal(canRead(owner, ownerDenied), false);
    assert.equal(canRead(stranger, ownerDenied), true);
  });

  void it('lets uid 0 read everything', () => {
    assert.equal(canRead(root, file('secret', 0, 0, 0o000)), true);
  });

  void it('decides on what a symlink resolves to, not on the link', () => {
    const shadow = file('shadow', 0, 0, 0o600);
    const link = join(dir, 'principals-link');
    symlinkSync(shadow, link);
    assert.equal(canRead(owner, link), false);
    // A symlinked folder (`~/.ssh` -> a root-only folder) is as unreadable as the file in it.
    const rootOnly = folder('root-only', 0, 0, 0o700);
    const inside = file('authorized_keys', 0, 0, 0o644, rootOnly);
    const ssh = join(dir, 'dot-ssh');
    symlinkSync(rootOnly, ssh);
    assert.equal(canRead(owner, join(ssh, 'authorized_keys')), false);
    assert.equal(canRead(root, inside), true);
  });

  void it('needs search (x) on every folder of the real path', () => {
    const groupSearch = folder('group-search', 0, 3001, 0o710);
    const readable = file('principals', 0, 0, 0o644, groupSearch);
    assert.equal(canRead(member, readable), true);
    assert.equal(canRead(stranger, readable), false);
    const readNoSearch = folder('read-no-search', 0, 0, 0o744);
    assert.equal(canRead(stranger, file('principals', 0, 0, 0o644, readNoSearch)), false);
  });
});
