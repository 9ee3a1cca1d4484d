// Crash safety: a jitgate killed with SIGKILL while a grant holds a temporary role leaves that
// role standing (nobody dropped it); once the grant is over, the reaper of the next jitgate on
// the same state folder drops it at start-up and records why.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startDemo, type DemoMachine, type RunningDemo } from '../../../proxy/demo/start-demo.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { eventually } from '../../support/machine-demo.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import { grantWithCredential } from './api-calls.js';

const CHILD = fileURLToPath(new URL('../../support/machine-demo-child.ts', import.meta.url));

let pg: TestPostgres;
let stateDir: string;
let child: ChildProcess | undefined;
let restarted: RunningDemo | undefined;

before(async () => {
  pg = await startTestPostgres();
  stateDir = mkdtempSync(join(tmpdir(), 'jitgate-reaper-'));
});
after(async () => {
  killGroup();
  await restarted?.close();
  await pg.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function killGroup() {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function startChild(): Promise<{ port: number; machines: DemoMachine[] }> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, JITGATE_STATE_DIR: stateDir, JITGATE_DEMO_PG_URL: pg.adminUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own process group, so a kill takes the demo's helpers (sshd watchdog) with it and
      // nothing orphaned keeps the test runner's output pipe open.
      detached: true,
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^JITGATE_CHILD (.*)$/m.exec(out)?.[1];
      if (line) resolve(JSON.parse(line) as { port: number; machines: DemoMachine[] });
    });
    child.on('exit', (code) => reject(new Error(`the child jitgate exited (${code})`)));
  });
}

async function tokenOf(machine: DemoMachine): Promise<string> {
  const response = await fetch(machine.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${machine.clientId}:${machine.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

const standing = async (role: string) =>
  (await pg.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length === 1;

void describe('the reaper', () => {
  void it('drops the role a killed jitgate left behind, on restart', async () => {
    const started = await startChild();
    const machine = started.machines.find((m) => m.clientId === 'ci-runner');
    assert.ok(machine);
    const base = `http://127.0.0.1:${started.port}`;
    const { grant, credential } = await grantWithCredential(base, await tokenOf(machine), '2s');
    killGroup();
    await new Promise((resolve) => child?.once('exit', resolve));
    child = undefined;

    // Past the grant's end, with no jitgate running: the role still stands.
    await new Promise((resolve) =>
      setTimeout(resolve, Date.parse(grant.endsAt) - Date.now() + 500),
    );
    assert.equal(await standing(credential.user), true, 'the killed jitgate left the role');

    process.env.JITGATE_DEMO_PG_URL = pg.adminUrl;
    restarted = await startDemo({ port: 0, stateDir, log: silentLogger });
    await eventually(async () => !(await standing(credential.user)), 'the reaper dropped the role');
    const events = await restarted.jitgate.audit.list({ limit: 1000, code: 'credential.dropped' });
    const dropped = events.find((e) => JSON.stringify(e.data).includes(credential.user));
    assert.equal((dropped?.data as { reason?: string } | undefined)?.reason, 'reaped');
    assert.deepEqual(await restarted.jitgate.store.credentialRoles.listStanding(), []);
  });
});
