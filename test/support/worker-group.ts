/**
 * `jitgate serve --config FILE` with `server.workers` above one, as a real process group: the
 * primary and its workers, read from their JSON log lines (which worker has which pid, which
 * port they share), plus the one thing a test cannot learn from outside: which worker process
 * holds a given connection (/proc: the socket's inode among each worker's open files).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { waitFor } from './wire.js';

export interface LogLine {
  msg: string;
  [field: string]: unknown;
}

export interface WorkerGroup {
  process: ChildProcess;
  port: number;
  /** The live workers' pids by index, kept current from the primary's log. */
  workers: Map<number, number>;
  /** Every log line the primary and the workers wrote so far. */
  lines: LogLine[];
  /** Resolves with the first line (past or future) that `match` accepts. */
  logged(match: (line: LogLine) => boolean, what: string): Promise<LogLine>;
}

export async function spawnWorkerGroup(
  configFile: string,
  env: NodeJS.ProcessEnv,
): Promise<WorkerGroup> {
  // Its own process group, so a test can signal the whole group like a terminal's Ctrl-C.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'proxy/cli/main.ts', 'serve', '--config', configFile],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const lines: LogLine[] = [];
  const workers = new Map<number, number>();
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    lines.push(line);
    if (line.msg === 'worker ready') workers.set(Number(line.worker), Number(line.pid));
    if (line.msg === 'worker died; starting a replacement') workers.delete(Number(line.worker));
    for (const wake of waiters) wake();
  });
  const logged = (match: (line: LogLine) => boolean, what: string) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (found) {
          waiters.delete(check);
          resolve(found);
        }
      };
      waiters.add(check);
      check();
      child.once('exit', () => reject(new Error(`jitgate exited before it logged ${what}`)));
    });
  const ready = await logged((line) => line.msg === 'workers ready', 'workers ready');
  return { process: child, port: Number(ready.port), workers, lines, logged };
}

/** The inode of the server side of a loopback connection from `clientPort` to `serverPort`. */
function serverSocketInode(serverPort: number, clientPort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cells = row.trim().split(/\s+/);
      const [local, remote, inode] = [cells[1], cells[2], cells[9]];
      if (!local || !remote || !inode) continue;
      const port = (address: string) => parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
      if (port(local) === serverPort && port(remote) === clientPort) return inode;
    }
  }
  return undefined;
}

function holds(pid: number, inode: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false; // the process is gone
  }
}

/** Which of `pids` accepted `socket` (a connection to `serverPort`), once one has. */
export async function workerHolding(
  socket: Socket,
  serverPort: number,
  pids: number[],
): Promise<number> {
  // Until a process accepts it, the kernel lists the connection with inode 0.
  return waitFor(
    () => {
      const inode = serverSocketInode(serverPort, socket.localPort ?? 0);
      return inode && inode !== '0' ? pids.find((pid) => holds(pid, inode)) : undefined;
    },
    2000,
    `one of ${pids.join(', ')} to accept the connection`,
  );
}

/**
 * A connection to `port` that worker `pid` accepted: connects until the kernel gives one to it
 * (at most `tries` connections; the others are closed).
 */
export async function connectionTo(
  port: number,
  pid: number,
  pids: number[],
  tries = 200,
): Promise<Socket> {
  for (let i = 0; i < tries; i++) {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    if ((await workerHolding(socket, port, pids)) === pid) return socket;
    socket.destroy();
  }
  throw new Error(`worker ${pid} accepted none of ${tries} connections`);
}
