// server.workers: one process unless told otherwise; "auto" or a number; more than one only on
// PostgreSQL (workers are replicas and learn of each other's revokes through it), refused on
// SQLite with the reason, at its path.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../proxy/config/errors.js';
import { parseConfig } from '../../../proxy/config/load.js';

const IDP = `identityProviders:
  - id: corp
    issuer: https://login.example.com
    clientId: jitgate
`;
const POSTGRES = 'storage:\n  driver: postgres\n  postgres:\n    urlEnv: JITGATE_PG_URL\n';
const ENV = { JITGATE_PG_URL: 'postgresql://jitgate:pw@db.internal:5432/jitgate' };

function problems(text: string): string[] {
  try {
    parseConfig(text, 'jitgate.yaml', ENV);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.problems];
  }
  return assert.fail('the configuration loaded, but it has problems');
}

void describe('server.workers', () => {
  void test('one worker by default', () => {
    assert.equal(parseConfig(IDP, 'jitgate.yaml', {}).server.workers, 1);
  });

  void test('"auto" or a number of workers on PostgreSQL', () => {
    for (const workers of ['auto', 4] as const) {
      const text = `${IDP}${POSTGRES}server:\n  workers: ${workers}\n`;
      assert.equal(parseConfig(text, 'jitgate.yaml', ENV).server.workers, workers);
    }
  });

  void test('one worker on SQLite is fine; more are refused with the reason', () => {
    assert.equal(
      parseConfig(`${IDP}server:\n  workers: 1\n`, 'jitgate.yaml', {}).server.workers,
      1,
    );
    for (const workers of ['auto', '2']) {
      const [problem, ...rest] = problems(`${IDP}server:\n  workers: ${workers}\n`);
      assert.deepEqual(rest, []);
      assert.match(
        problem ?? '',
        /^server\.workers \(line 6\): more than one worker needs storage\.driver: postgres/,
      );
    }
  });

  void test('nonsense is refused', () => {
    assert.deepEqual(problems(`${IDP}${POSTGRES}server:\n  workers: 0\n`).length, 1);
    assert.deepEqual(problems(`${IDP}${POSTGRES}server:\n  workers: many\n`).length, 1);
  });
});
