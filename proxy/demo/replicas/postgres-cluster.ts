/**
 * A private PostgreSQL cluster for `npm run demo:replicas`, from the installed Debian packages:
 * initdb in a temporary folder, one server on loopback, trust for local connections (the demo's
 * database holds nothing worth a password; a real deployment has its own PostgreSQL). Run as the
 * postgres (or nobody) user when we are root, as initdb refuses root.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DemoPostgres {
  url: string;
  stop(): void;
}

/** The folder with initdb and pg_ctl; a clear error when PostgreSQL is not installed. */
function binDir(): string {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(debian, versions[0], 'bin');
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found.replace(/\/initdb$/, '');
  throw new Error(
    'PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH): apt-get install postgresql',
  );
}

function osUser(): { prefix: string[]; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0)
      return {
        prefix: ['runuser', '-u', user, '--'],
        uid: Number(uid.stdout),
        gid: Number(gid.stdout),
      };
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists for initdb');
}

function run(command: string[], what: string) {
  const [file = '', ...args] = command;
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`${what} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export function startDemoPostgres(port: number): DemoPostgres {
  const bin = binDir();
  const user = osUser();
  const dir = mkdtempSync(join(tmpdir(), 'jitgate-demo-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
  const as = user?.prefix ?? [];
  const data = join(dir, 'data');
  run(
    [
      ...as,
      join(bin, 'initdb'),
      '-D',
      data,
      '-U',
      'jitgate',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ],
    'initdb',
  );
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  run(
    [...as, join(bin, 'pg_ctl'), '-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'],
    'pg_ctl start',
  );
  return {
    url: `postgresql://jitgate@127.0.0.1:${port}/postgres`,
    stop() {
      const [file = '', ...args] = [
        ...as,
        join(bin, 'pg_ctl'),
        '-D',
        data,
        '-m',
        'fast',
        '-w',
        'stop',
      ];
      spawnSync(file, args, { timeout: 30_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
