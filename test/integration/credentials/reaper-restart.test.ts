// Crash safety: a jitgate killed with SIGKILL while a grant holds a temporary role leaves that
// role standing (nobody dropped it); once the grant is over, the reaper of the next jitgate on
// the same state folder drops it at start-up and records why. While jitgate stays down, an open
// session of the role outlives the grant (VALID UNTIL only stops new logins) until `jitgate reap`,
// run from outside (a timer), drops the role and ends the session.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';
import { startDemo, type DemoMachine, type RunningDemo } from '../../../proxy/demo/start-demo.js';
import { silentLogger } from '../../../proxy/shared/logger.js';
import { eventually } from '../../support/machine-demo.js';
import { startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import { grantWithCredential } from './api-calls.js';

const CHILD = fileURLToPath(new URL('../../support/machine-demo-child.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));

let pg: TestPostgres;
let stateDir: string;
let child: ChildProcess | undefined;
let restarted: RunningDemo | undefined;

before(async () => {
  pg = await startTestPostgres();
  stateDir = mkdtempSync(join(tmpdir(), 'jitgate-reaper-'));
});
after(async () => {
  await stopChild();
  await restarted?.close();
  await pg.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Kills the child jitgate (its whole group) and waits until it is gone, if it is not already. */
async function stopChild(): Promise<void> {
  const running = child;
  child = undefined;
  if (!running || running.exitCode !== null || running.signalCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  try {
    process.kill(-(running.pid ?? 0), 'SIGKILL');
  } catch {
    running.kill('SIGKILL');
  }
  await exited;
}

function startChild(dir = stateDir): Promise<{ port: number; machines: DemoMachine[] }> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, JITGATE_STATE_DIR: dir, JITGATE_DEMO_PG_URL: pg.adminUrl },
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
    await stopChild();

    // Past the grant's end, with no jitgate running: the role still stands.
    await new Promise((resolve) =>
      setTimeout(resolve, Date.parse(grant.endsAt) - Date.now() + 500),
    );
    assert.equal(await standing(credential.user), true, 'the killed jitgate left the role');

    process.env.JITGATE_DEMO_PG_URL = pg.adminUrl;
    restarted = await startDemo({ port: 0, stateDir, log: silentLogger, postgres: false });
    await eventually(async () => !(await standing(credential.user)), 'the reaper dropped the role');
    const { audit } = restarted.jitgate;
    const dropsOfRole = async () =>
      (await audit.list({ limit: 1000, code: 'credential.dropped' })).filter((e) =>
        JSON.stringify(e.data).includes(credential.user),
      );
    await eventually(async () => (await dropsOfRole()).length > 0, 'the drop is audited');
    // The grant's late-recorded end and the start-up reaper both reach this role; whichever comes
    // first drops it, once, and says why.
    const drops = await dropsOfRole();
    assert.equal(drops.length, 1, JSON.stringify(drops));
    const reason = (drops[0]?.data as { reason?: string } | undefined)?.reason ?? '';
    assert.ok(['reaped', 'expired'].includes(reason), reason);
    assert.deepEqual(await restarted.jitgate.store.credentialRoles.listStanding(), []);
    // Its reaper and scans must not meet the next test's roles in the same database.
    await restarted.close();
    restarted = undefined;
  });

  void it('`jitgate reap` drops it from outside while jitgate is down, ending its session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jitgate-reap-'));
    try {
      const started = await startChild(dir);
      const machine = started.machines.find((m) => m.clientId === 'ci-runner');
      assert.ok(machine);
      const base = `http://127.0.0.1:${started.port}`;
      const { grant, credential } = await grantWithCredential(base, await tokenOf(machine), '2s');
      const session = await pg.connectAs(credential.user, credential.password);
      await stopChild();
      await new Promise((resolve) =>
        setTimeout(resolve, Date.parse(grant.endsAt) - Date.now() + 500),
      );
      // The bound this closes: past the grant's end, the open session still works.
      await session.query('SELECT 1');

      const config = join(dir, 'config.yaml');
      writeFileSync(config, reapConfig(dir, pg.database));
      const run = await reapWith(config);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^reaped 1 database role/);
      assert.equal(await standing(credential.user), false, 'the role is gone');
      await assert.rejects(session.query('SELECT 1'), 'its open session has ended');
      await session.end().catch(() => undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A deployment config naming the demo's state folder and its orders-db, as an operator has. */
function reapConfig(dir: string, database: string): string {
  return `identityProviders:
  - id: demo
    issuer: http://localhost:9/idp
    clientId: jitgate-portal
    clientSecret: not-used-by-reap
    allowInsecureRequests: true
state: { dir: ${JSON.stringify(dir)} }
resources:
  - id: orders-db
    kind: postgres
    adminUrlEnv: JITGATE_DEMO_PG_URL
    database: ${database}
    statements: ['GRANT USAGE ON SCHEMA public TO {{role}}']
`;
}

function reapWith(config: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'reap', '--config', config],
      {
        env: { ...process.env, JITGATE_FROM_SOURCE: '1', JITGATE_DEMO_PG_URL: pg.adminUrl },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
