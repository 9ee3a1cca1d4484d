// What `jitgate` prints and exits with when a command fails (cli/failure.ts, used by main.ts):
// jitgate's own errors, thrown in this process (`serve`, a worker of `serve` with
// server.workers, the offline commands), are one line with their code and the exit code of the
// table in docs/cli.md, like the same error answered over HTTP; only a bug is "unexpected".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failureOf } from '../../../proxy/cli/failure.js';
import { CliError, EXIT } from '../../../proxy/cli/exit-codes.js';
import { ConfigError } from '../../../proxy/config/errors.js';
import { parseConfig } from '../../../proxy/config/load.js';
import { JitgateApiError } from '../../../proxy/sdk/errors.js';
import { JitgateError } from '../../../proxy/shared/errors.js';
import { openStore } from '../../../proxy/store/open-store.js';

/** The config of a `jitgate serve` whose PostgreSQL is down (nothing listens on port 1). */
const UNREACHABLE_STORE = `identityProviders:
  - id: corp
    issuer: https://login.example.com
    clientId: jitgate
server:
  workers: 2
storage:
  driver: postgres
  postgres:
    urlEnv: JITGATE_PG_URL
    connectTimeout: 1s
`;

void describe('cli failures', () => {
  void it('a store that cannot be reached at start is one line with its code, exit 3', async () => {
    const config = parseConfig(UNREACHABLE_STORE, 'jitgate.yaml', {
      JITGATE_PG_URL: 'postgresql://jitgate:s3cret-pw@127.0.0.1:1/jitgate',
    });
    const stateDir = mkdtempSync(join(tmpdir(), 'jitgate-cli-failure-'));
    try {
      // What startJitgate (every worker, and a single process alike) is thrown first.
      const thrown = await openStore(config.storage, stateDir).then(
        () => assert.fail('a store on port 1 opened'),
        (error: unknown) => error,
      );
      // With why (the driver's word for it), never the URL's password.
      assert.deepEqual(failureOf(thrown), {
        say: [
          'jitgate: the store cannot be reached (store_unavailable): database unavailable: ECONNREFUSED',
        ],
        exitCode: EXIT.unreachable,
      });
      assert.doesNotMatch(JSON.stringify(failureOf(thrown)), /s3cret/);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  void it('every JitgateError is one line with its code, exiting by the table', () => {
    const cases: [JitgateError, number][] = [
      [new JitgateError(400, 'bad_request', 'bad --since'), EXIT.refused],
      [new JitgateError(404, 'not_found', 'no such recording'), EXIT.refused],
      [new JitgateError(401, 'unauthenticated', 'sign in first'), EXIT.unauthenticated],
      [new JitgateError(503, 'store_unavailable', 'the store cannot be reached'), EXIT.unreachable],
      [new JitgateError(500, 'internal_error', 'the disk is full'), EXIT.unreachable],
    ];
    for (const [error, exitCode] of cases)
      assert.deepEqual(failureOf(error), {
        say: [`jitgate: ${error.message} (${error.code})`],
        exitCode,
      });
  });

  void it('the same error answered over HTTP says the same line', () => {
    const local = failureOf(new JitgateError(404, 'not_found', 'no such recording'));
    const remote = failureOf(new JitgateApiError(404, 'not_found', 'no such recording'));
    assert.deepEqual(local, remote);
  });

  void it('a bad config lists its problems, exit 1', () => {
    const error = new ConfigError('jitgate.yaml', ['server.port: not a port']);
    assert.deepEqual(failureOf(error), { say: [error.message], exitCode: EXIT.usage });
  });

  void it('a user error is its one line and exit code', () => {
    assert.deepEqual(failureOf(new CliError('no such file', EXIT.usage)), {
      say: ['jitgate: no such file'],
      exitCode: EXIT.usage,
    });
  });

  void it('a bug is still unexpected, with the error (and its stack) to read', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    assert.deepEqual(failureOf(bug), {
      say: ['jitgate: unexpected failure', bug],
      exitCode: EXIT.usage,
    });
  });
});
