/**
 * The host's local accounts as sshd sees them: /etc/passwd's name, uid, primary gid and home,
 * with the supplementary groups /etc/group lists the account in (what sshd's initgroups gives the
 * account while it reads the account's files). Pure: the caller reads both files, bounded.
 */
import type { LocalIdentity } from './account-can-read.js';

export interface LocalAccount extends LocalIdentity {
  name: string;
  home: string;
}

const MAX_LINES = 10_000;
const ACCOUNT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/;
const ID = /^\d{1,10}$/;

const lines = (text: string) => text.split('\n').slice(0, MAX_LINES);

/** Account name → the gids of the groups that list it as a member. */
function membershipsOf(group: string): Map<string, number[]> {
  const memberships = new Map<string, number[]>();
  for (const line of lines(group)) {
    const [, , gid, members] = line.split(':');
    if (!gid || !ID.test(gid) || !members) continue;
    for (const member of members.trim().split(',')) {
      if (member) memberships.set(member, [...(memberships.get(member) ?? []), Number(gid)]);
    }
  }
  return memberships;
}

/** Accounts whose name, uid, gid and home are well-formed; the others are left out. */
export function localAccounts(passwd: string, group: string): LocalAccount[] {
  const memberships = membershipsOf(group);
  return lines(passwd).flatMap((line) => {
    const [name, , uid, gid, , home] = line.split(':');
    if (!name || !ACCOUNT.test(name) || !uid || !ID.test(uid) || !gid || !ID.test(gid)) return [];
    if (!home?.startsWith('/')) return [];
    const gids = [Number(gid), ...(memberships.get(name) ?? [])];
    return [{ name, uid: Number(uid), gids, home }];
  });
}
