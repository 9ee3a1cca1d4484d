// The same kind of mistake gets the same exit code and says what is wrong: a duration that is
// malformed, zero, or missing is a usage error (exit 1), found before any request is made, for
// every command that takes --for. docs/cli.md lists the codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from '../../support/guarded-test.js';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/jitgate.mjs', import.meta.url));

function cli(args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      JITGATE_FROM_SOURCE: '1',
      XDG_CONFIG_HOME: '/nonexistent',
      // Nothing listens there: a command that got as far as a request would exit 3, not 1.
      JITGATE_URL: 'http://127.0.0.1:9',
      JITGATE_CLIENT_ID: 'ci',
      JITGATE_CLIENT_SECRET: 's',
      JITGATE_TOKEN_URL: 'http://127.0.0.1:9/token',
    },
  });
  return { code: run.status, stderr: run.stderr };
}

const COMMANDS: [string, string[]][] = [
  ['request', ['request', 'payroll', '--reason', 'r']],
  ['grant', ['grant', 'alice', 'payroll']],
  ['exec', ['exec', 'orders-db', '--reason', 'r']],
  ['kubectl-credential', ['kubectl-credential', 'demo-cluster', '--reason', 'r']],
];

void describe('CLI duration arguments', () => {
  for (const [name, args] of COMMANDS) {
    void it(`${name}: a malformed or zero --for is a usage error (exit 1), said plainly`, () => {
      for (const bad of ['99y', '0m', '0s', '30 minutes']) {
        const tail = name === 'exec' ? ['--', 'true'] : [];
        const run = cli([...args, '--for', bad, ...tail]);
        assert.equal(run.code, 1, `--for ${bad}: ${run.stderr}`);
        assert.match(
          run.stderr,
          /--for must be (a duration such as|longer than zero, such as) 30m/,
        );
      }
    });
  }

  void it('grant without --for says that --for is missing', () => {
    const run = cli(['grant', 'alice', 'payroll']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--for is required/);
  });
});
