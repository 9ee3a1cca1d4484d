// The machine flow of the design (flow 5), end to end with the real `jitgate` CLI: a CI machine
// signs in with client credentials at the in-process demo IdP, `jitgate exec` gets an
// auto-approved grant on orders-db and runs psql with the temporary role, passes the command's
// exit code through and drops the role afterwards; a request that needs a person makes
// `--wait` block until an approver approves; kubectl gets an ExecCredential whose token the
// TokenReview webhook accepts only while the grant lives.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';
import { psqlPath } from '../../support/postgres.js';
import { eventually, startMachineDemo, type MachineDemo } from '../../support/machine-demo.js';
import { EVERY_GRANT } from '../../support/every-grant.js';

const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>, onStderr?: (text: string) => void) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        ...process.env,
        JITGATE_FROM_SOURCE: '1',
        PORT: '',
        XDG_CONFIG_HOME: '/nonexistent',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let m: MachineDemo;
before(async () => {
  m = await startMachineDemo();
});
after(async () => {
  await m.stop();
});

void describe('jitgate exec (machine, client credentials)', () => {
  void it('runs psql as a temporary role that is gone once the command exits', async () => {
    const psql = psqlPath();
    const run = await cli(
      [
        'exec',
        'orders-db',
        '--for',
        '5m',
        '--reason',
        'migration 17',
        '--',
        psql,
        '-tAc',
        'select current_user',
      ],
      m.machineEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    const role = run.stdout.trim();
    assert.match(role, /^jg_[0-9a-f]{24}$/, 'psql saw the temporary role');
    assert.doesNotMatch(run.stderr, /password|postgresql:\/\//i, 'no secret on stderr');
    await eventually(async () => !(await m.jitgateRoles()).includes(role), 'role dropped');
    const grants = await m.demo.jitgate.store.grants.listForUser('demo:ci-runner', EVERY_GRANT);
    assert.ok(grants.length > 0 && grants.every((g) => g.revokedAt !== null), 'grant released');
  });

  void it("exits with the command's exit code", async () => {
    const run = await cli(
      [
        'exec',
        'orders-db',
        '--for',
        '5m',
        '--reason',
        'migration exit',
        '--',
        'sh',
        '-c',
        'test -n "$PGPASSWORD" && exit 7',
      ],
      m.machineEnv(),
    );
    assert.equal(run.code, 7, run.stderr);
    const missing = await cli(
      ['exec', 'orders-db', '--for', '5m', '--reason', 'migration', '--', 'no-such-command-jg'],
      m.machineEnv(),
    );
    assert.equal(missing.code, 127);
  });

  void it("gives the command the grant's credential and never the CLI's own sign-in", async () => {
    const envOf = async (env: Record<string, string>) => {
      const run = await cli(
        ['exec', 'orders-db', '--for', '5m', '--reason', 'migration env', '--', 'sh', '-c', 'env'],
        env,
      );
      assert.equal(run.code, 0, run.stderr);
      return new Map(run.stdout.split('\n').map((line) => [line.split('=')[0] ?? '', line]));
    };
    // Signed in as the machine (client credentials), and with a bearer token.
    const machine = m.machineEnv();
    const { JITGATE_CLIENT_SECRET: secret = '', ...withoutSecret } = machine;
    const token = await m.machineToken();
    for (const [env, secrets] of [
      [machine, [secret]],
      // The machine variables left over (not used without a secret) go nowhere either.
      [
        {
          ...withoutSecret,
          JITGATE_CLIENT_ID: '',
          JITGATE_RESOURCE_INDICATOR: m.url,
          JITGATE_TOKEN: token,
        },
        [token],
      ],
    ] as const) {
      const seen = await envOf(env);
      assert.ok(seen.has('PGPASSWORD'), 'the short-lived credential it asked for');
      for (const name of [
        'JITGATE_CLIENT_ID',
        'JITGATE_CLIENT_SECRET',
        'JITGATE_TOKEN_URL',
        'JITGATE_RESOURCE_INDICATOR',
        'JITGATE_TOKEN',
      ])
        assert.equal(seen.get(name), undefined, `${name} stays with the CLI`);
      const all = [...seen.values()].join('\n');
      for (const value of secrets) assert.ok(!all.includes(value), 'no sign-in secret anywhere');
      assert.equal(seen.get('JITGATE_URL'), `JITGATE_URL=${m.url}`, 'the rest of the environment');
    }
  });

  void it('--wait blocks until an approver approves', async () => {
    // The CLI says when its request waits; how long it takes to get there is the machine's
    // business (a busy machine starts the CLI slowly), so the test waits for the line itself.
    let pending: (id: string) => void = () => {};
    const announced = new Promise<string>((resolve) => (pending = resolve));
    const waiting = cli(
      ['request', 'orders-db', '--for', '5m', '--reason', 'look at one order', '--wait'],
      m.machineEnv('nightly-report'),
      (text) => {
        const id = /request (req_[\w-]+) waits/.exec(text)?.[1];
        if (id) pending(id);
      },
    );
    const requestId = await Promise.race([
      announced,
      waiting.then((run) => {
        throw new Error(`the CLI ended before its request waited: ${run.stderr}`);
      }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    let settled = false;
    void waiting.then(() => (settled = true));
    assert.equal(settled, false, 'still waiting while nobody approved');
    await m.approveAsBob(requestId);
    // It returns with the grant (how soon is the poll interval's business, not a timed test's).
    const run = await waiting;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout.trim(), /^grt_/);
  });

  void it('prints an ExecCredential that the TokenReview webhook accepts while the grant lives', async () => {
    const run = await cli(
      ['kubectl-credential', 'demo-cluster', '--for', '5m', '--reason', 'deploy 3'],
      m.machineEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    const credential = JSON.parse(run.stdout) as Record<string, unknown> & {
      status: { token: string; expirationTimestamp: string };
    };
    // The fields of client.authentication.k8s.io/v1 ExecCredential that kubectl reads.
    assert.equal(credential.apiVersion, 'client.authentication.k8s.io/v1');
    assert.equal(credential.kind, 'ExecCredential');
    assert.deepEqual(Object.keys(credential).sort(), ['apiVersion', 'kind', 'status']);
    assert.deepEqual(Object.keys(credential.status).sort(), ['expirationTimestamp', 'token']);
    assert.match(credential.status.expirationTimestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const grant = (
      await m.demo.jitgate.store.grants.listForUser('demo:ci-runner', EVERY_GRANT)
    ).find((g) => g.resourceId === 'demo-cluster' && g.revokedAt === null);
    assert.ok(grant);
    assert.equal(
      Date.parse(credential.status.expirationTimestamp),
      Math.floor(grant.endsAt / 1000) * 1000,
    );
    const review = async () => {
      const response = await fetch(`${m.url}/api/v1/kubernetes/tokenreview`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${m.demo.kubeReviewerToken}`,
        },
        body: JSON.stringify({
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token: credential.status.token },
        }),
      });
      return (await response.json()) as {
        status: { authenticated: boolean; user?: { username: string } };
      };
    };
    const live = await review();
    assert.equal(live.status.authenticated, true);
    assert.equal(live.status.user?.username, 'ci-runner');
    await m.demo.jitgate.grants.revoke(grant.id, 'test');
    assert.equal((await review()).status.authenticated, false, 'refused once the grant is revoked');
  });

  void it('without credentials it says so in one line and exits 5', async () => {
    const run = await cli(['resources'], { JITGATE_URL: m.url });
    assert.equal(run.code, 5);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^jitgate: not logged in to /);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1);
  });
});
