// `npm start` from a fresh state folder, as a new user runs it: the banner's commands work when
// pasted into a shell (the machine's `jitgate exec orders-db … -- psql …` against the private
// PostgreSQL the demo starts, and the admin's `jitgate grant`); Ctrl-C and SIGTERM stop that
// PostgreSQL with the demo; a demo killed outright leaves a cluster the next start cleans up.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Started {
  child: ChildProcess;
  banner: string;
  /** The demo's PostgreSQL folder, from its note in the state folder. */
  clusterDir: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let stateDir: string;
const children: ChildProcess[] = [];

before(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'jitgate-npm-start-'));
});
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(-child.pid, 'SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

/** The shell people paste into: no PORT or JITGATE_* of ours, no saved CLI login. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('JITGATE_') && !key.startsWith('PG') && key !== 'PORT') env[key] = value;
  return { ...env, JITGATE_FROM_SOURCE: '1', XDG_CONFIG_HOME: '/nonexistent' };
}

/** What `npm start` runs, on a random port and the test's state folder. */
function startDemo(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: { ...userEnv(), PORT: '0', JITGATE_STATE_DIR: stateDir },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group, like a shell's job: Ctrl-C goes to the whole group.
    detached: true,
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!/state folder: .*\n/.test(stderr)) return;
      const note = JSON.parse(readFileSync(join(stateDir, 'demo-postgres.json'), 'utf8')) as {
        dir: string;
      };
      resolve({ child, banner: stderr, clusterDir: note.dir, exited });
    });
    void exited.then(({ code }) => reject(new Error(`the demo exited (${code}): ${stderr}`)));
  });
}

/** The banner's command block that starts with a line matching `first` (backslash-continued). */
function printedCommand(banner: string, first: RegExp): string {
  const lines = banner.split('\n');
  const start = lines.findIndex((line) => first.test(line));
  assert.ok(start >= 0, `the banner prints ${first}:\n${banner}`);
  let end = start;
  while (lines[end]?.endsWith('\\')) end++;
  return lines
    .slice(start, end + 1)
    .join('\n')
    .replace(/^\s*grant access:\s*/, '');
}

function sh(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: ROOT, env: userEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const postmasterRuns = (dir: string) => existsSync(join(dir, 'data', 'postmaster.pid'));

void describe('npm start from a fresh clone', () => {
  void it('prints commands that work as printed, and Ctrl-C stops its PostgreSQL', async () => {
    const demo = await startDemo();
    assert.match(demo.banner, /orders-db: +a private PostgreSQL on 127\.0\.0\.1:\d+/);
    assert.ok(postmasterRuns(demo.clusterDir), 'the cluster runs');

    const exec = printedCommand(demo.banner, /^\s*JITGATE_CLIENT_ID=ci-runner /);
    assert.match(exec, /npx jitgate exec orders-db .*-- psql /);
    const run = await sh(exec);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /jg_[0-9a-f]{24} \| widget/, 'psql read orders as a temporary role');
    assert.doesNotMatch(run.stderr, /internal error|password/i);

    const grant = await sh(printedCommand(demo.banner, /^\s*grant access: /));
    assert.equal(grant.code, 0, grant.stderr);
    assert.match(grant.stdout, /^grt_/);

    assert.ok(demo.child.pid !== undefined);
    process.kill(-demo.child.pid, 'SIGINT'); // Ctrl-C reaches the whole foreground group
    assert.deepEqual(await demo.exited, { code: 0, signal: null });
    assert.equal(existsSync(demo.clusterDir), false, 'the cluster folder is gone');
    assert.equal(existsSync(join(stateDir, 'demo-postgres.json')), false, 'and its note');
  });

  void it('a demo killed outright leaves nothing that breaks the next start', async () => {
    const crashed = await startDemo();
    assert.ok(crashed.child.pid !== undefined);
    process.kill(-crashed.child.pid, 'SIGKILL');
    await crashed.exited;

    const next = await startDemo();
    assert.notEqual(next.clusterDir, crashed.clusterDir);
    assert.equal(existsSync(crashed.clusterDir), false, "the crashed run's cluster is removed");
    assert.match(next.banner, /orders-db: +a private PostgreSQL/);
    next.child.kill('SIGTERM');
    assert.deepEqual(await next.exited, { code: 0, signal: null });
    assert.equal(existsSync(next.clusterDir), false);
  });
});
