/**
 * A private PostgreSQL cluster in a temporary folder of its own: initdb, then the server on a
 * random loopback port (passwords on TCP, scram), until stop(). The demo runs one behind
 * orders-db, as it runs its own sshd; the tests run one for the credential tests.
 *
 * initdb and postgres refuse to run as root, so as root the cluster runs as the `postgres` OS
 * user (Debian's package creates it) or `nobody`. The server runs under a small shell that stops
 * it when our end of its stdin closes, which the kernel does when this process dies, even by
 * SIGKILL; a cluster left behind anyway is stopped and removed by stopLeftoverCluster.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { freePort } from './ports.js';

/** The superuser initdb makes; tests and the demo connect as it. */
export const CLUSTER_ADMIN = 'jitgate_admin';
/** Every cluster folder is named so: stopLeftoverCluster removes nothing else. */
const PREFIX = 'jitgate-pg-';
const DEBIAN = '/usr/lib/postgresql';
const READY_WITHIN_MS = 60_000;

/** Runs postgres ($0, arguments after it) and stops it (fast) once stdin reaches its end. */
const WATCHDOG =
  // Background lists read /dev/null in a non-interactive shell: the pipe goes in as fd 3.
  'exec 3<&0; "$0" "$@" & pid=$!; (read -r _ <&3; kill -INT "$pid" 2>/dev/null) & wait "$pid"';

export class PostgresNotInstalled extends Error {
  constructor() {
    super('PostgreSQL is not installed: no initdb in /usr/lib/postgresql/*/bin or on PATH');
    this.name = 'PostgresNotInstalled';
  }
}

export interface PostgresCluster {
  /** The cluster's folder (data, socket, log); removed by stop(). */
  dir: string;
  /** Superuser URL of the `postgres` database. */
  url: string;
  host: string;
  port: number;
  /** The end of the server log, for error messages. */
  log(): string;
  /**
   * Stops the server (every connection drops) and resolves a function that starts it again on
   * the same port and data: how the tests take the database away from running replicas.
   */
  stopServer(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

/** The folder holding initdb and postgres: Debian keeps them off PATH, per major version. */
export function postgresBinDir(): string | undefined {
  if (existsSync(DEBIAN)) {
    const versions = readdirSync(DEBIAN)
      .filter((v) => existsSync(join(DEBIAN, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(DEBIAN, versions[0], 'bin');
  }
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  return found ? found.replace(/\/initdb$/, '') : undefined;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** The OS user the cluster runs as: undefined for ourselves (not root). */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0)
      return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists for initdb');
}

/** Our environment without PG* variables, which would redirect initdb and the server. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LC_ALL: 'C' };
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('PG') && key !== 'LC_ALL') env[key] = value;
  return env;
}

function initdb(bin: string, dir: string, as: RunAs | undefined, password: string): void {
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (as) chownSync(pwfile, as.uid, as.gid);
  const args = [
    ...['-D', join(dir, 'data'), '-U', CLUSTER_ADMIN, `--pwfile=${pwfile}`],
    // Passwords on TCP (scram), so a minted role's password and VALID UNTIL really count.
    ...['--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8'],
    '--locale=C',
  ];
  const result = spawnSync(join(bin, 'initdb'), args, {
    ...as,
    cwd: dir,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  rmSync(pwfile, { force: true });
  if (result.status !== 0)
    throw new Error(`initdb failed (${result.status}): ${result.stderr || result.stdout}`);
}

/** The server's own word in postmaster.pid (line 8): "ready" once it accepts connections. */
function serverStatus(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8')
      .split('\n')[7]
      ?.trim();
  } catch {
    return undefined;
  }
}

async function startServer(bin: string, dir: string, as: RunAs | undefined, port: number) {
  const logFd = openSync(join(dir, 'log'), 'a', 0o600);
  const server = [join(bin, 'postgres'), '-D', join(dir, 'data'), '-p', String(port), '-k', dir];
  const settings = ['listen_addresses=127.0.0.1', 'fsync=off', 'max_connections=50'];
  const child = spawn(
    '/bin/sh',
    ['-c', WATCHDOG, ...server, ...settings.flatMap((setting) => ['-c', setting])],
    // Its own session: a Ctrl-C meant for the demo reaches the server only through stop().
    { ...as, cwd: dir, env: cleanEnv(), stdio: ['pipe', logFd, logFd], detached: true },
  );
  closeSync(logFd);
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + READY_WITHIN_MS;
  while (!exited && serverStatus(dir) !== 'ready' && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (!exited && serverStatus(dir) === 'ready') return child;
  await stopServer(child);
  return undefined;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  await gone;
}

const tail = (dir: string) => {
  try {
    return readFileSync(join(dir, 'log'), 'utf8').slice(-4000);
  } catch {
    return '';
  }
};

/**
 * Starts a cluster; `onFolder` learns its folder before anything runs in it, so a caller can
 * note where to clean up should this process die half-way.
 */
export async function startPostgresCluster(
  onFolder: (dir: string) => void = () => undefined,
): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new PostgresNotInstalled();
  const as = runAs();
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  onFolder(dir);
  try {
    if (as) chownSync(dir, as.uid, as.gid);
    const password = randomBytes(18).toString('base64url');
    initdb(bin, dir, as, password);
    // A port taken between our probe and the server's bind: try another.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      let child = await startServer(bin, dir, as, port);
      if (!child) continue;
      return {
        dir,
        url: `postgresql://${CLUSTER_ADMIN}:${password}@127.0.0.1:${port}/postgres`,
        host: '127.0.0.1',
        port,
        log: () => tail(dir),
        async stopServer() {
          if (child) await stopServer(child);
          child = undefined;
          return async () => {
            child = await startServer(bin, dir, as, port);
            if (!child) throw new Error(`postgres did not start again: ${tail(dir)}`);
          };
        },
        async stop() {
          if (child) await stopServer(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error(`postgres did not start: ${tail(dir)}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops the server a crashed run left in `dir` (if it still runs) and removes the folder. Only
 * folders this module made are touched, and only a process whose command line names the folder
 * is signalled (a pid in a stale postmaster.pid may belong to someone else by now).
 */
export async function stopLeftoverCluster(dir: string): Promise<void> {
  if (!basename(dir).startsWith(PREFIX) || !existsSync(dir)) return;
  const pid = leftoverPid(dir);
  if (Number.isInteger(pid) && pid > 0 && alive(pid) && commandLine(pid).includes(dir)) {
    process.kill(pid, 'SIGQUIT'); // immediate shutdown: the data is thrown away anyway
    const deadline = Date.now() + READY_WITHIN_MS;
    while (alive(pid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }
  rmSync(dir, { recursive: true, force: true });
}

function leftoverPid(dir: string): number {
  try {
    return Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0; // never started, or shut down cleanly
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
