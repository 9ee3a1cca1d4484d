// `jitgate exec` stopped while its request waits for an approver (Ctrl-C, or CI cancelling the
// job with SIGTERM): the request it filed is withdrawn, so no approver can later start a grant
// for a job that is gone, and the next `exec` does not join it. It exits as a shell reports a
// signal, 128 + N.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { runCli } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';

let demo: TestDemo;
before(async () => {
  demo = await startTestDemo();
});
after(() => demo.stop());

function machineEnv(): Record<string, string> {
  const ci = demo.machines.find((m) => m.clientId === 'ci-runner');
  assert.ok(ci, 'the demo has its ci-runner machine');
  return {
    JITGATE_CLIENT_ID: ci.clientId,
    JITGATE_CLIENT_SECRET: ci.clientSecret,
    JITGATE_TOKEN_URL: ci.tokenUrl,
    JITGATE_URL: demo.url,
    XDG_CONFIG_HOME: '/nonexistent',
  };
}

/** `jitgate exec` whose reason needs an approver; resolves its request id once it waits. */
function execWaiting(signal: NodeJS.Signals) {
  const child = spawn(
    process.execPath,
    [
      'bin/jitgate.mjs',
      'exec',
      'orders-db',
      '--for',
      '5m',
      '--reason',
      'look around',
      '--',
      'true',
    ],
    {
      env: { ...process.env, JITGATE_FROM_SOURCE: '1', ...machineEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let requestId = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const id = /request (req_[\w-]+) waits for approval/.exec(stderr)?.[1];
    if (id && !requestId) {
      requestId = id;
      child.kill(signal);
    }
  });
  return new Promise<{ code: number | null; stderr: string; requestId: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr, requestId })),
  );
}

async function stateOf(requestId: string): Promise<string | undefined> {
  const listed = await runCli(['requests', '--json'], machineEnv());
  assert.equal(listed.code, 0, listed.stderr);
  const requests = JSON.parse(listed.stdout) as { id: string; state: string }[];
  return requests.find((r) => r.id === requestId)?.state;
}

void describe('jitgate exec, interrupted while it waits for approval', () => {
  for (const [signal, number] of [
    ['SIGTERM', 15],
    ['SIGINT', 2],
  ] as const)
    void it(`withdraws its request on ${signal} and exits ${128 + number}`, async () => {
      const run = await execWaiting(signal);
      assert.ok(run.requestId, run.stderr);
      assert.equal(run.code, 128 + number, run.stderr);
      assert.equal(await stateOf(run.requestId), 'cancelled', run.stderr);
    });
});
