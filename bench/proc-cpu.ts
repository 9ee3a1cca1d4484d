/** CPU time, children and memory of processes, read from /proc (Linux). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
export const CLK_TCK = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name: [0] = state (field 3), [1] = ppid… */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in clock ticks (0 when it is gone). */
export function cpuTicks(pid: number): number {
  const fields = statFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/** Sum of utime + stime over several processes, in clock ticks. */
export function totalCpuTicks(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
}

/** Pids whose parent is `pid` (e.g. nginx workers of their master). */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (statFields(Number(name))?.[1] === String(pid)) found.push(Number(name));
  }
  return found;
}

/** Resident set size in MiB (VmRSS), or undefined when the process is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a process's resident memory is, in MiB: anonymous (JS heap, native allocations, stacks)
 * and file-backed (the node binary and libraries, shared with other processes running them).
 */
export function rssParts(pid: number): { anonMiB: number; fileMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const anonMiB = kib('RssAnon') / 1024;
    const fileMiB = (kib('RssFile') + kib('RssShmem')) / 1024;
    return Number.isFinite(anonMiB) && Number.isFinite(fileMiB) ? { anonMiB, fileMiB } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Proportional set size in MiB (shared pages divided among the processes sharing them), or
 * undefined when the process is gone: the fair share of many alike processes (ssh clients).
 */
export function pssMiB(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
