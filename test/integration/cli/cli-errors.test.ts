// A CLI error names its cause and what to do, never a bare "internal error": `jitgate exec` on a
// postgres resource whose admin URL is not configured says which setting is missing, on one
// line, and exits 3 (jitgate cannot serve it right now), as docs/cli.md says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';
import { runCaptured } from '../../support/cli.js';
import { startTestDemo, type TestDemo } from '../../support/demo.js';

const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));

function cli(args: string[], env: Record<string, string>) {
  return runCaptured(process.execPath, [BIN, ...args], { XDG_CONFIG_HOME: '/nonexistent', ...env });
}

let demo: TestDemo;
let savedPgUrl: string | undefined;
before(async () => {
  savedPgUrl = process.env.JITGATE_DEMO_PG_URL;
  delete process.env.JITGATE_DEMO_PG_URL; // orders-db has no database: its admin URL is unset
  demo = await startTestDemo({ postgres: false });
});
after(async () => {
  await demo.stop();
  if (savedPgUrl !== undefined) process.env.JITGATE_DEMO_PG_URL = savedPgUrl;
});

void describe('CLI errors', () => {
  void it('exec on a database jitgate cannot reach names the missing setting, not "internal error"', async () => {
    const [ci] = demo.machines;
    assert.ok(ci);
    const run = await cli(
      ['exec', 'orders-db', '--for', '5m', '--reason', 'migration', '--', 'true'],
      {
        JITGATE_CLIENT_ID: ci.clientId,
        JITGATE_CLIENT_SECRET: ci.clientSecret,
        JITGATE_TOKEN_URL: ci.tokenUrl,
        JITGATE_URL: demo.url,
        JITGATE_DEMO_PG_URL: '',
        PGPASSWORD: '',
      },
    );
    assert.equal(run.code, 3, run.stderr);
    assert.doesNotMatch(run.stderr, /internal error/);
    assert.match(run.stderr, /orders-db/);
    assert.match(run.stderr, /JITGATE_DEMO_PG_URL is not set/, 'the cause');
    assert.match(run.stderr, /operator/, 'what to do');
    const error = run.stderr.trimEnd().split('\n').at(-1) ?? '';
    assert.match(error, /^jitgate: orders-db: .*JITGATE_DEMO_PG_URL.* \(credential_unavailable\)$/);
  });
});
