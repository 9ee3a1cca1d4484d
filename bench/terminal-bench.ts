/**
 * The terminal rows: throughput of `cat` of a large file and keystroke echo latency, through
 * jitgate's recorded relay and straight to the same sshd with the same OpenSSH client; then the
 * memory of many concurrent idle relayed sessions (through a fresh jitgate: terminal-idle.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { terminalUrl } from '../test/support/terminal.js';
import { SSH_RESOURCE } from './jitgate-config.js';
import type { BenchOptions } from './options.js';
import { percentilesOf, spread, type Percentiles } from './stats.js';
import type { Stack } from './stack.js';
import { idleSessions, type IdleResult } from './terminal-idle.js';
import {
  directTerminal,
  markerCommand,
  OutputTap,
  relayTerminal,
  type Terminal,
} from './terminal-io.js';

export interface PathResult {
  /** Output bytes per second while `cat` ran (pty line endings included): the rounds' median. */
  bytesPerSecond: number;
  /** Each round's bytes per second, in the order measured. */
  rounds: number[];
  echoMs: Percentiles;
}

export interface TerminalResults {
  fileMiB: number;
  direct: PathResult;
  relay: PathResult;
  idle: IdleResult;
}

const COLS = 200;
const ROWS = 50;

/** A file of printable lines, `mib` MiB. */
function bigFile(dir: string, mib: number): string {
  const path = join(dir, 'terminal-output.txt');
  const line = 'jitgate terminal throughput ' + 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(2);
  const block = (line.slice(0, 127) + '\n').repeat(8192); // 1 MiB
  writeFileSync(path, block.repeat(mib));
  return path;
}

async function ready(terminal: Terminal): Promise<OutputTap> {
  const tap = new OutputTap(terminal);
  const { line, marker } = markerCommand('READY');
  const seen = tap.until(marker, 20_000);
  terminal.write(`${line}\r`);
  await seen;
  return tap;
}

/** Output bytes per second of one `cat` of `file`, read to its end marker. */
async function throughput(tap: OutputTap, terminal: Terminal, file: string): Promise<number> {
  const { line, marker } = markerCommand('DONE');
  const before = tap.bytes;
  const done = tap.until(marker, 300_000);
  const started = performance.now();
  terminal.write(`cat ${file}; ${line}\r`);
  await done;
  return (tap.bytes - before) / ((performance.now() - started) / 1000);
}

/** Keystrokes into `cat`: the remote tty echoes each one; timed from send to the echo. */
async function echoLatency(tap: OutputTap, terminal: Terminal, keystrokes: number) {
  const cat = markerCommand('CAT');
  const catReady = tap.until(cat.marker);
  terminal.write(`${cat.line}; cat\r`);
  await catReady;
  await sleep(200);
  const echo: number[] = [];
  for (let i = 0; i < keystrokes; i++) {
    const echoed = tap.next();
    const sent = performance.now();
    terminal.write('x');
    await echoed;
    echo.push(performance.now() - sent);
    await sleep(5);
  }
  terminal.write('\x03');
  await terminal.close();
  return percentilesOf(echo);
}

interface OpenPath {
  terminal: Terminal;
  tap: OutputTap;
  rounds: number[];
}

/**
 * Both paths open at once and their `cat`s alternate, `rounds` each (the first path to go swaps
 * every round): one `cat` lasts about a second, and a second of this machine is noisy (the direct
 * path read 40-55 MiB/s in runs minutes apart while the relay held 32-34).
 */
async function alternate(paths: readonly OpenPath[], file: string, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? paths : [...paths].reverse();
    for (const path of order) path.rounds.push(await throughput(path.tap, path.terminal, file));
  }
}

async function finishPath(path: OpenPath, keystrokes: number): Promise<PathResult> {
  const echoMs = await echoLatency(path.tap, path.terminal, keystrokes);
  return { bytesPerSecond: spread(path.rounds).median, rounds: path.rounds, echoMs };
}

async function open(terminal: Terminal): Promise<OpenPath> {
  return { terminal, tap: await ready(terminal), rounds: [] };
}

export async function measureTerminals(
  stack: Stack,
  options: BenchOptions,
  progress: (msg: string) => void,
): Promise<TerminalResults | string> {
  const ssh = stack.ssh;
  if (!ssh) return 'sshd is not installed (apt-get install openssh-server)';
  const file = bigFile(stack.tmp, options.terminalMiB);
  const size = { cols: String(COLS), rows: String(ROWS) };
  const url = terminalUrl(stack.jitgate.url, SSH_RESOURCE, size);
  const rounds = Math.max(3, options.runs);
  progress(
    `terminals: cat of ${options.terminalMiB} MiB, ${rounds} rounds per path alternated, and ` +
      `${options.keystrokes} keystrokes`,
  );
  const directPath = await open(directTerminal(await ssh.direct(COLS, ROWS)));
  const relayPath = await open(await relayTerminal(url, stack.alice.token));
  await alternate([directPath, relayPath], file, rounds);
  const direct = await finishPath(directPath, options.keystrokes);
  const relay = await finishPath(relayPath, options.keystrokes);
  progress(
    `terminals: direct ${(direct.bytesPerSecond / 2 ** 20).toFixed(1)} MiB/s, ` +
      `relay ${(relay.bytesPerSecond / 2 ** 20).toFixed(1)} MiB/s; echo p99 ` +
      `${direct.echoMs.p99.toFixed(2)} / ${relay.echoMs.p99.toFixed(2)} ms`,
  );
  const idle = await idleSessions(
    stack,
    size,
    options.idleTerminals,
    options.proxyNodeArgs,
    progress,
  );
  return { fileMiB: options.terminalMiB, direct, relay, idle };
}
