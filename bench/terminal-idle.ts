/**
 * Many concurrent idle terminal sessions through jitgate: what each costs in jitgate's own
 * memory (RSS growth over the sessions) and in the OpenSSH clients it runs (their PSS). The
 * sessions are opened a few at a time (sshd's MaxStartups), each checked with a command, left
 * idle for a moment, then closed; the bench waits for jitgate to end them all.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stack } from './stack.js';
import { childPids, pssMiB, rssMiB } from './proc-cpu.js';
import { markerCommand, OutputTap, relayTerminal, type Terminal } from './terminal-io.js';

export interface IdleResult {
  sessions: number;
  jitgateRssBeforeMiB: number;
  jitgateRssAfterMiB: number;
  /** jitgate's RSS growth per session, KiB. */
  jitgateKiBPerSession: number;
  /** Proportional set size of the ssh client processes jitgate runs, KiB per session. */
  sshClientKiBPerSession: number;
}

const OPENING_AT_ONCE = 8;
const SETTLE_MS = 2_000;

async function openChecked(url: string, token: string): Promise<Terminal> {
  const terminal = await relayTerminal(url, token);
  const tap = new OutputTap(terminal);
  const { line, marker } = markerCommand('IDLE');
  const seen = tap.until(marker, 30_000);
  terminal.write(`${line}\r`);
  await seen;
  return terminal;
}

export async function idleSessions(
  stack: Stack,
  url: string,
  count: number,
  progress: (msg: string) => void,
): Promise<IdleResult> {
  const pid = stack.jitgate.pid;
  await sleep(SETTLE_MS);
  const before = rssMiB(pid) ?? Number.NaN;
  const open: Terminal[] = [];
  progress(`terminals: opening ${count} idle sessions`);
  try {
    for (let next = 0; next < count;) {
      const batch = Math.min(OPENING_AT_ONCE, count - next);
      const opened = await Promise.all(
        Array.from({ length: batch }, () => openChecked(url, stack.alice.token)),
      );
      open.push(...opened);
      next += batch;
    }
    await sleep(SETTLE_MS);
    const after = rssMiB(pid) ?? Number.NaN;
    const clients = childPids(pid);
    const clientsMiB = clients.reduce((sum, child) => sum + (pssMiB(child) ?? 0), 0);
    const perSession = (mib: number) => (count > 0 ? (mib * 1024) / count : Number.NaN);
    return {
      sessions: count,
      jitgateRssBeforeMiB: before,
      jitgateRssAfterMiB: after,
      jitgateKiBPerSession: perSession(after - before),
      sshClientKiBPerSession: perSession(clientsMiB),
    };
  } finally {
    await Promise.all(open.map((terminal) => terminal.close()));
    // jitgate ends each session (ssh exits, the recording is sealed) after its client leaves.
    for (let i = 0; i < 300 && childPids(pid).length > 0; i++) await sleep(100);
  }
}
