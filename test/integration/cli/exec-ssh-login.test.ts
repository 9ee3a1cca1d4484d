// `jitgate exec` on an ssh resource needs --login (docs/cli.md). Without it the CLI says so before
// it asks for anything: no request waits for an approver only for the command to fail once the
// approver has said yes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';
import { bearerCall, call } from '../access/api-client.js';

let demo: TestDemo;
let token = '';
before(async () => {
  demo = await startTestDemo();
  const alice = await demo.login('alice');
  const issued = await call(alice, demo.url, 'POST', '/api/v1/tokens', { label: 'cli' });
  assert.equal(issued.status, 201, issued.body);
  token = String(issued.json.token);
});
after(() => demo.stop());

/** Alice's requests for prod-shell, as jitgate has them. */
async function prodShellRequests(): Promise<{ id: string; state: string }[]> {
  const mine = await bearerCall(token, demo.url, 'GET', '/api/v1/requests');
  return (mine.json.requests as { id: string; resource: string; state: string }[]).filter(
    (r) => r.resource === 'prod-shell',
  );
}

void describe('jitgate exec on an ssh resource without --login', () => {
  void it('is a usage error before any request is filed', async () => {
    if (!demo.sshTarget) assert.fail('the demo runs its sshd (openssh-server must be installed)');
    const child = spawn(
      process.execPath,
      ['bin/jitgate.mjs', 'exec', 'prod-shell', '--for', '5m', '--reason', 'look', '--', 'true'],
      {
        env: {
          ...process.env,
          JITGATE_FROM_SOURCE: '1',
          JITGATE_TOKEN: token,
          JITGATE_URL: demo.url,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const ended = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Whichever comes first: the CLI's answer, or a request of its waiting for an approver.
    let done = false;
    void ended.then(() => (done = true));
    while (!done && (await prodShellRequests()).length === 0)
      await new Promise((resolve) => setTimeout(resolve, 50)); // a poll, not a deadline
    if (!done) child.kill();
    const code = await ended;
    assert.deepEqual(await prodShellRequests(), [], `no request filed: ${stderr}`);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /--login is required for an SSH resource/);
  });
});
