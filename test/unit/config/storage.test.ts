// storage: SQLite unless told otherwise; PostgreSQL with its URL read from an environment
// variable or a file (never the YAML) at load time; every problem listed at once, each with its
// path and line; the URL and its password never in a message.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../../proxy/config/errors.js';
import { loadConfigFile, parseConfig } from '../../../proxy/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-storage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const URL_TEXT = 'postgresql://jitgate:Sup3r-s3cret@db.internal:5432/jitgate?sslmode=require';
const IDP = `identityProviders:
  - id: corp
    issuer: https://login.example.com
    clientId: jitgate
`;
const yaml = (storage: string) => `${IDP}storage:\n${storage}`;

function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, 'jitgate.yaml', env, dir);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    const everything = `${error.message}\n${JSON.stringify(error)}`;
    assert.ok(!everything.includes('Sup3r-s3cret'), `the password leaked: ${everything}`);
    return [...error.problems];
  }
  return assert.fail('the configuration loaded, but it has problems');
}

void describe('storage', () => {
  void test('SQLite by default: no URL is read, even when one is in the environment', () => {
    const config = parseConfig(IDP, 'jitgate.yaml', { JITGATE_PG_URL: URL_TEXT });
    assert.deepEqual(config.storage, { driver: 'sqlite' });
  });

  void test('postgres with urlEnv: the URL is read, the defaults filled in', () => {
    const config = parseConfig(
      yaml('  driver: postgres\n  postgres:\n    urlEnv: JITGATE_PG_URL\n'),
      'jitgate.yaml',
      { JITGATE_PG_URL: URL_TEXT },
    );
    assert.deepEqual(config.storage, {
      driver: 'postgres',
      postgres: {
        urlEnv: 'JITGATE_PG_URL',
        poolSize: 10,
        statementTimeout: 10_000,
        connectTimeout: 5_000,
        url: URL_TEXT,
      },
    });
  });

  void test('postgres with urlFile, relative to the config file, trimmed; settings apply', () => {
    writeFileSync(join(dir, 'pg-url'), `  ${URL_TEXT}\n`, { mode: 0o600 });
    const path = join(dir, 'jitgate.yaml');
    writeFileSync(
      path,
      yaml(
        '  driver: postgres\n  postgres:\n    urlFile: pg-url\n    poolSize: 20\n' +
          '    statementTimeout: 30s\n    connectTimeout: 2s\n',
      ),
    );
    const { postgres } = loadConfigFile(path, {}).storage;
    assert.equal(postgres?.url, URL_TEXT);
    assert.equal(postgres?.poolSize, 20);
    assert.equal(postgres?.statementTimeout, 30_000);
    assert.equal(postgres?.connectTimeout, 2_000);
  });

  void test('every problem is listed at once, with its path and line', () => {
    assert.deepEqual(problems(yaml('  driver: postgres\n  sqlitePath: /var/lib/jitgate.db\n')), [
      'storage.postgres (line 5): is required with driver: postgres (urlEnv or urlFile)',
      'storage.sqlitePath (line 7): is for driver: sqlite; with postgres the state is in the database',
    ]);
    assert.deepEqual(problems(yaml('  postgres:\n    urlEnv: JITGATE_PG_URL\n')), [
      'storage.postgres (line 6): is set but driver is not postgres: set driver: postgres, or remove this',
    ]);
    assert.deepEqual(
      problems(
        yaml(
          `  driver: postgres\n  postgres:\n    url: ${URL_TEXT}\n    poolSize: 1\n` +
            '    statementTimeout: soon\n',
        ),
      ),
      [
        'storage.postgres.urlEnv (line 7): set exactly one of urlEnv, urlFile',
        'storage.postgres.url (line 8): must not be in this file (the URL carries a password): use urlEnv or urlFile',
        'storage.postgres.url (line 8): unknown key',
        'storage.postgres.poolSize (line 9): must be at least 2',
        'storage.postgres.statementTimeout (line 10): must be a duration such as "90s", "30m", "8h", "1h30m"',
      ],
    );
    assert.deepEqual(
      problems(yaml('  driver: postgres\n  postgres:\n    urlEnv: A\n    urlFile: /run/b\n')),
      ['storage.postgres.urlEnv (line 8): set exactly one of urlEnv, urlFile'],
    );
  });

  void test('a variable or file that is missing, empty or not a postgresql URL is a problem', () => {
    const byEnv = yaml('  driver: postgres\n  postgres:\n    urlEnv: JITGATE_PG_URL\n');
    const at = 'storage.postgres.urlEnv (line 8)';
    assert.deepEqual(problems(byEnv), [`${at}: names an environment variable that is not set`]);
    assert.deepEqual(problems(byEnv, { JITGATE_PG_URL: ' ' }), [
      `${at}: names an environment variable that is empty`,
    ]);
    const notPostgres = URL_TEXT.replace('postgresql:', 'mysql:');
    assert.deepEqual(problems(byEnv, { JITGATE_PG_URL: notPostgres }), [
      `${at}: does not hold a postgresql://user:password@host/database URL`,
    ]);
    const byFile = yaml('  driver: postgres\n  postgres:\n    urlFile: missing-url\n');
    assert.deepEqual(problems(byFile), [
      'storage.postgres.urlFile (line 8): names a file that cannot be read (no such file)',
    ]);
  });
});
