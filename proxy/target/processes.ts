/**
 * Linux processes as the target agent sees them, from /proc: a process's start time (so a
 * recorded pid is never mistaken for a new process that reused it) and the tree under a process,
 * which the agent kills to end an sshd connection with everything it started.
 */
import { readFileSync, readdirSync } from 'node:fs';

interface Stat {
  /** The command name (comm), at most 15 characters. */
  command: string;
  ppid: number;
  startTime: string;
}

/** Fields of /proc/PID/stat after the command name, which may itself hold spaces and ')'. */
function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const command = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, starttime field 22.
  const ppid = Number(fields[1]);
  const startTime = fields[19];
  return Number.isInteger(ppid) && startTime ? { command, ppid, startTime } : undefined;
}

/** The start time (clock ticks since boot) of a running process, or undefined when it is gone. */
export const startTimeOf = (pid: number): string | undefined => stat(pid)?.startTime;

/**
 * Whether `pid` is an sshd process (`sshd`, or `sshd-session` in OpenSSH 9.8 and later): the only
 * kind the agent ends, so a session record that names another process (written by anyone who
 * could write as the hook's user) cannot make root kill it.
 */
export const isSshd = (pid: number): boolean => /^sshd(-session)?$/.test(stat(pid)?.command ?? '');

/** `pid` and every process below it, parents first. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const child = Number(name);
    const parent = stat(child)?.ppid;
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/**
 * Kills `pid` and everything below it at once (SIGKILL: an sshd monitor forwards SIGTERM to its
 * child, but the session's own processes could outlast it). Resolves how many were signalled.
 */
export function killTree(pid: number): number {
  let killed = 0;
  for (const member of processTree(pid)) {
    try {
      process.kill(member, 'SIGKILL');
      killed++;
    } catch {
      // Gone already.
    }
  }
  return killed;
}
