/**
 * Many concurrent idle terminal sessions through jitgate: what each costs in jitgate's own
 * memory (RSS growth over the sessions) and in the OpenSSH clients it runs (their PSS). They go
 * through a jitgate of their own, started for this row: the stack's has the web load's garbage
 * and the relay test's in its heap, and V8 collecting it while the sessions opened made the
 * growth per session come out negative. The sessions are opened a few at a time (sshd's
 * MaxStartups), each checked with a command, left idle for a moment, then closed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { terminalUrl } from '../test/support/terminal.js';
import { benchJitgateConfig, SSH_RESOURCE } from './jitgate-config.js';
import { startJitgateChild, stopJitgate } from './jitgate.js';
import { adminGrant, bearerToken, portalLogin } from './login.js';
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

/** A fresh jitgate that sshd trusts, alice logged in with a grant for prod-shell. */
async function startIdleRowJitgate(stack: Stack, nodeArgs: readonly string[]) {
  const ssh = stack.ssh;
  if (!ssh) throw new Error('the idle-terminal row needs the sshd target');
  const stateDir = join(stack.tmp, 'jitgate-idle-terminals');
  mkdirSync(stateDir, { recursive: true });
  const config = benchJitgateConfig({
    port: stack.idleTerminalsPort,
    stateDir,
    issuer: stack.issuer,
    clientId: stack.jitgateClient.clientId,
    clientSecret: stack.jitgateClient.clientSecret,
    upstreamUrl: stack.upstreamUrl,
    ssh: ssh.info,
  });
  // One person holds every idle session here: far more than a person's default bound.
  config.terminal = { ...config.terminal, maxSessionsPerPerson: 100_000 };
  const jitgate = await startJitgateChild('jitgate-idle-terminals', stack.tmp, config, nodeArgs);
  try {
    await ssh.trustJitgate(jitgate.url);
    const browser = await portalLogin(jitgate.url);
    await adminGrant(jitgate.url, stateDir, 'alice', SSH_RESOURCE);
    return { jitgate, token: await bearerToken(browser, jitgate.url) };
  } catch (error) {
    await stopJitgate(jitgate);
    throw error;
  }
}

export async function idleSessions(
  stack: Stack,
  terminalSize: Record<string, string>,
  count: number,
  nodeArgs: readonly string[],
  progress: (msg: string) => void,
): Promise<IdleResult> {
  const { jitgate, token } = await startIdleRowJitgate(stack, nodeArgs);
  try {
    return await measureIdle(
      jitgate.pid,
      terminalUrl(jitgate.url, SSH_RESOURCE, terminalSize),
      token,
      count,
      progress,
    );
  } finally {
    await stopJitgate(jitgate);
  }
}

async function measureIdle(
  pid: number,
  url: string,
  token: string,
  count: number,
  progress: (msg: string) => void,
): Promise<IdleResult> {
  await sleep(SETTLE_MS);
  const before = rssMiB(pid) ?? Number.NaN;
  const open: Terminal[] = [];
  progress(`terminals: opening ${count} idle sessions`);
  try {
    for (let next = 0; next < count;) {
      const batch = Math.min(OPENING_AT_ONCE, count - next);
      const opened = await Promise.all(
        Array.from({ length: batch }, () => openChecked(url, token)),
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
