// `PORT=P npm run demo:replicas` end to end: PostgreSQL, the demo IdPs, two jitgate replicas and
// nginx in front. A person signs in (with the demo's MFA) through nginx, the CLI grants payroll
// through it, payroll answers on every request (nginx alternates the replicas), the CLI revokes
// and payroll refuses within a second on both; SIGINT stops every process the demo started.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { runCli } from '../../support/cli.js';
import { formAction, TestBrowser } from '../../support/http-client.js';
import { authenticatorOf, completeMfa } from '../../support/mfa.js';
import { waitFor } from '../../support/wire.js';

const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-demo-replicas-'));
let port = 0;
let demo: ReturnType<typeof spawn> | undefined;

/** A port P with P..P+4 free (the balancer, two replicas, the IdPs, PostgreSQL). */
async function freeRun(): Promise<number> {
  for (;;) {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = (server.address() as { port: number }).port;
    server.close();
    if (base > 65_000) continue;
    const probes = await Promise.all(
      [0, 1, 2, 3, 4].map(
        (i) =>
          new Promise<boolean>((resolve) => {
            const probe = createServer().once('error', () => resolve(false));
            probe.listen(base + i, '127.0.0.1', () => probe.close(() => resolve(true)));
          }),
      ),
    );
    if (probes.every(Boolean)) return base;
  }
}

before(async () => {
  port = await freeRun();
  demo = spawn(process.execPath, ['--import', 'tsx', 'proxy/demo/replicas/main.ts'], {
    env: { ...process.env, PORT: String(port), JITGATE_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: demo.stdout! });
  for await (const line of lines) if (line.startsWith('jitgate demo:')) break;
});
after(async () => {
  if (demo && demo.exitCode === null) {
    const exited = once(demo, 'exit');
    demo.kill('SIGINT');
    await exited;
  }
  rmSync(stateDir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir], { PORT: String(port) });

void describe('npm run demo:replicas', () => {
  it('signs in, grants, serves and revokes through nginx in front of two replicas', async () => {
    const url = `http://localhost:${port}`;
    const alice = new TestBrowser();
    const form = await alice.navigate(`${url}/auth/login?idp=demo`);
    const atMfa = await alice.postForm(formAction(form), { username: 'alice', password: 'demo' });
    const home = await completeMfa(alice, atMfa, authenticatorOf(url, 'alice'));
    assert.equal(home.status, 200);
    assert.match(home.body, /My access/);

    const granted = await cli(['grant', 'alice', 'payroll', '--for', '30m', '--json']);
    assert.equal(granted.code, 0, granted.stderr);
    const grantId = /grt_[A-Za-z0-9_-]+/.exec(granted.stdout)?.[0];
    assert.ok(grantId, granted.stdout);
    const payroll = `http://payroll.localhost:${port}/`;
    // Admitted at whichever replica nginx picks: each request is a new connection, round robin.
    await waitFor(async () => (await alice.navigate(payroll)).status === 200, 1000, 'payroll');
    for (let i = 0; i < 4; i++) assert.equal((await alice.request(payroll)).status, 200);

    const revoked = await cli(['revoke', grantId]);
    assert.equal(revoked.code, 0, revoked.stderr);
    // Both replicas (two requests in a row) refuse within a second.
    await waitFor(
      async () =>
        (await alice.request(payroll)).status === 403 &&
        (await alice.request(payroll)).status === 403,
      1000,
      'payroll refused on both replicas',
    );
  });
});
