// The config loader: defaults, every problem reported at once with its path and line, YAML
// syntax errors, client secrets from the environment or a file, and no secret in any message.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../../proxy/config/errors.js';
import { loadConfigFile, parseConfig, validateConfig } from '../../../proxy/config/load.js';
import type { Config } from '../../../proxy/config/schema.js';
import { BUILTIN_REDACT_FIELDS, BUILTIN_REDACT_QUERY } from '../../../proxy/config/trail-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The ConfigError thrown by `load`; fails the test if it loads or throws something else. */
function problemsOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('the configuration loaded, but it has problems');
}

/** The client secret of the first identity provider, which the test's YAML makes an OIDC one. */
function oidcSecret(config: Config): string | undefined {
  const idp = config.identityProviders[0];
  assert.ok(idp?.type === 'oidc');
  return idp.clientSecret;
}

const MINIMAL = `identityProviders:
  - id: corp
    issuer: https://login.example.com
    clientId: jitgate
`;

void describe('valid configuration', () => {
  void test('a minimal file gets every default, durations in milliseconds', () => {
    const config = loadConfigFile(file('minimal.yaml', MINIMAL), {});
    assert.deepEqual(config, {
      server: {
        host: '127.0.0.1',
        port: 8080,
        trustProxy: false,
        hstsMaxAge: 365 * 86_400_000,
        workers: 1,
      },
      state: { dir: './.jitgate' },
      storage: { driver: 'sqlite' },
      session: {
        cookieName: 'jitgate_session',
        maxAge: 12 * 3_600_000,
        idleTimeout: 3_600_000,
        secureCookie: 'auto',
        sameSite: 'lax',
      },
      identityProviders: [
        {
          id: 'corp',
          kind: 'person',
          type: 'oidc',
          issuer: 'https://login.example.com',
          clientId: 'jitgate',
          scopes: ['openid', 'email', 'profile'],
          usernameClaim: 'preferred_username',
          groupsClaim: 'groups',
          groupMap: {},
          passUnmappedGroups: false,
          allowInsecureRequests: false,
          trustMfaFromIdp: false,
          mfaAmrValues: ['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina'],
          mfaAcrValues: ['http://schemas.openid.net/pape/policies/2007/06/multi-factor'],
        },
      ],
      resources: [],
      policies: [],
      admins: { groups: [] },
      auditors: { groups: [] },
      gateway: { assertionHeader: 'X-Jitgate-Assertion', assertionTtl: 300_000, stripHeaders: [] },
      mfa: {
        stepUpFreshness: 600_000,
        atLogin: false,
        maxFailures: 5,
        lockout: 900_000,
        issuerLabel: 'jitgate',
      },
      notifications: { webhooks: [] },
      machines: { issuers: [] },
      terminal: {
        caSigningGeneration: 1,
        caAlsoTrust: [],
        relaySourceAddresses: [],
        maxSessionsPerPerson: 20,
        sshCommand: 'ssh',
      },
      rateLimits: {
        signInStarts: { max: 120, window: 60_000 },
        signInFailures: { max: 60, window: 600_000 },
      },
      logging: { level: 'info' },
    });
  });

  void test('resources and policies get their defaults; durations parse to milliseconds', () => {
    const config = parseConfig(
      `${MINIMAL}resources:
  - id: payroll
    kind: web
    host: Payroll.Example.com
    upstream: http://127.0.0.1:9001
policies:
  - id: staff
    resources: [payroll]
    approval: { groups: [approvers] }
  - id: long
    resources: [payroll]
    maxDuration: 1h30m
    approval: { groups: [approvers] }
session:
  idleTimeout: 90s
`,
      'inline.yaml',
      {},
    );
    assert.deepEqual(config.resources, [
      {
        id: 'payroll',
        kind: 'web',
        host: 'payroll.example.com',
        upstream: 'http://127.0.0.1:9001',
        headers: {},
        preserveHost: false,
        trail: {
          retentionDays: 90,
          redactQuery: [...BUILTIN_REDACT_QUERY],
          storeBodies: false,
          maxBodyBytes: 16_384,
          redactFields: [...BUILTIN_REDACT_FIELDS],
        },
      },
    ]);
    assert.equal(config.policies[0]?.maxDuration, 3_600_000);
    assert.deepEqual(config.policies[0]?.subjects.kinds, ['person']);
    assert.equal(config.policies[1]?.maxDuration, 5_400_000);
    assert.equal(config.session.idleTimeout, 90_000);
  });

  void test('PORT in the environment overrides server.port; a bad PORT is a problem', () => {
    assert.equal(parseConfig(MINIMAL, 'inline.yaml', { PORT: '9090' }).server.port, 9090);
    const error = problemsOf(() => parseConfig(MINIMAL, 'inline.yaml', { PORT: 'http' }));
    assert.deepEqual(error.problems, [
      'the PORT environment variable must be a port number (0-65535)',
    ]);
    // An in-memory config (the demo's) already carries the port its code listens on.
    const doc = {
      server: { port: 0 },
      identityProviders: [{ id: 'x', issuer: 'https://a.example', clientId: 'c' }],
    };
    assert.equal(validateConfig(doc, { PORT: '9090' }).server.port, 0);
  });
});

const BAD = `server:
  port: 8080
identityProviders:
  - id: corp
    issuer: https://login.example.com
    clientId: jitgate
  - id: dev
    issuer: http://localhost:9000
    clientId: jitgate-dev
  - id: partners
    kind: vendor
    issuer: https://id.partners.example.net
resources:
  - id: payroll
    kind: web
    host: payroll.example.com
    upstream: http://127.0.0.1:9001
  - id: wiki
    kind: web
    host: PAYROLL.example.com
    upstream: http://127.0.0.1:9002
    bogus: true
  - id: payroll
    kind: web
    host: ci.example.com
    upstream: http://user:pw@ci.internal
policies:
  - id: staff
    resources: [payroll, grafana]
    maxDuration: 2 hours
    approval: { groups: [approvers] }
`;

void describe('invalid configuration', () => {
  void test('every problem is reported at once, with its path and line, in file order', () => {
    const error = problemsOf(() => loadConfigFile(file('bad.yaml', BAD), {}));
    assert.equal(error.status, 500);
    assert.equal(error.code, 'config_invalid');
    assert.deepEqual(error.problems, [
      'identityProviders[1].issuer (line 8): is http:// — use https, or set allowInsecureRequests for development',
      'identityProviders[2].clientId (line 10): is required',
      'resources[1].host (line 20): duplicate host "PAYROLL.example.com"',
      'resources[1].bogus (line 22): unknown key',
      'resources[2].id (line 23): duplicate id "payroll"',
      'resources[2].upstream (line 26): must be an http(s) URL without credentials',
      'policies[0].resources[1] (line 29): names unknown resource "grafana"',
      'policies[0].maxDuration (line 30): must be a duration such as "90s", "30m", "8h", "1h30m"',
    ]);
    // The message names the file and lists each problem on its own line.
    const lines = error.message.split('\n');
    assert.match(lines[0] ?? '', /bad\.yaml: 8 problems in the configuration:$/);
    assert.deepEqual(
      lines.slice(1),
      error.problems.map((problem) => `  - ${problem}`),
    );
  });

  void test('checks across the keys of an IdP still run when another of its keys is wrong', () => {
    const error = problemsOf(() =>
      parseConfig(
        'identityProviders:\n  - id: dev\n    issuer: http://localhost:9000\n    scopes: [email]\n',
        'inline.yaml',
        {},
      ),
    );
    assert.deepEqual(error.problems, [
      'identityProviders[0].clientId (line 2): is required',
      'identityProviders[0].issuer (line 3): is http:// — use https, or set allowInsecureRequests for development',
      'identityProviders[0].scopes (line 4): must include "openid"',
    ]);
  });

  void test('type errors read like sentences', () => {
    const error = problemsOf(() =>
      parseConfig(
        `server:
  port: eighty
  trustProxy: yes
session:
  sameSite: none
  maxAge: 30
${MINIMAL.replace('clientId: jitgate', 'clientId: ""')}`,
        'inline.yaml',
        {},
      ),
    );
    assert.deepEqual(error.problems, [
      'server.port (line 2): must be a number',
      'server.trustProxy (line 3): must be true or false',
      'session.sameSite (line 5): must be one of "lax", "strict"',
      'session.maxAge (line 6): must be a duration such as "90s", "30m", "8h", "1h30m"',
      'identityProviders[0].clientId (line 10): must not be empty',
    ]);
  });

  void test('an in-memory config gets paths without lines; a wrong kind names the allowed ones', () => {
    const error = problemsOf(() =>
      validateConfig(
        {
          identityProviders: [{ id: 'Corp', issuer: 'https://login.example.com', clientId: 'x' }],
          resources: [{ id: 'db', kind: 'ftp' }],
          extra: 1,
        },
        {},
      ),
    );
    assert.deepEqual(error.problems, [
      'identityProviders[0].id: must be a lowercase slug (a-z, 0-9, -), starting with a letter',
      'resources[0].kind: must be one of "web", "postgres", "kubernetes", "ssh"',
      'extra: unknown key',
    ]);
  });

  void test('a YAML syntax error is reported with its line and column', () => {
    const error = problemsOf(() =>
      parseConfig('identityProviders:\n  - id: corp\n   issuer: x\n', 'broken.yaml', {}),
    );
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0] ?? '', /^line 3:\d+: invalid YAML: /);
    assert.match(error.message, /^broken\.yaml: 1 problem in the configuration:/);
  });

  void test('an empty file, a file that is not a mapping and a missing file are clear problems', () => {
    assert.deepEqual(
      problemsOf(() => loadConfigFile(file('empty.yaml', '# nothing\n'), {})).problems,
      ['the configuration is empty: it needs at least identityProviders'],
    );
    assert.deepEqual(problemsOf(() => parseConfig('- a\n- b\n', 'list.yaml', {})).problems, [
      'the configuration must be a mapping of keys (server:, identityProviders:, ...), not a list',
    ]);
    assert.deepEqual(problemsOf(() => loadConfigFile(join(dir, 'absent.yaml'), {})).problems, [
      'cannot read the file (no such file)',
    ]);
  });

  void test('a key written twice is a YAML problem, not a silent override', () => {
    const error = problemsOf(() => parseConfig(`${MINIMAL}server: {}\nserver: {}\n`, 'x.yaml', {}));
    assert.deepEqual(error.problems, [
      'line 6:1: invalid YAML: the same key appears twice in one mapping',
    ]);
  });
});

const WITH_ENV = MINIMAL.replace(
  'clientId: jitgate',
  'clientId: jitgate\n    clientSecretEnv: CORP_SECRET',
);
const withFile = (path: string) =>
  MINIMAL.replace('clientId: jitgate', `clientId: jitgate\n    clientSecretFile: ${path}`);

void describe('client secrets', () => {
  void test('clientSecretEnv is read from the environment', () => {
    const config = parseConfig(WITH_ENV, 'inline.yaml', { CORP_SECRET: 'from-env' });
    assert.equal(oidcSecret(config), 'from-env');
  });

  void test('a missing or empty variable is a problem at its path', () => {
    const expected = 'identityProviders[0].clientSecretEnv (line 5): names an environment variable';
    assert.deepEqual(problemsOf(() => parseConfig(WITH_ENV, 'inline.yaml', {})).problems, [
      `${expected} that is not set`,
    ]);
    assert.deepEqual(
      problemsOf(() => parseConfig(WITH_ENV, 'inline.yaml', { CORP_SECRET: ' ' })).problems,
      [`${expected} that is empty`],
    );
  });

  void test('clientSecretFile is read and trimmed; a relative path starts at the config file', () => {
    file('corp-secret.txt', '  from-file\n');
    const config = loadConfigFile(file('relative.yaml', withFile('corp-secret.txt')), {});
    assert.equal(oidcSecret(config), 'from-file');
    const absolute = parseConfig(withFile(join(dir, 'corp-secret.txt')), 'inline.yaml', {});
    assert.equal(oidcSecret(absolute), 'from-file');
  });

  void test('an unreadable, empty or non-regular secret file is a problem at its path', () => {
    const at = 'identityProviders[0].clientSecretFile (line 5)';
    const load = (path: string) => problemsOf(() => parseConfig(withFile(path), 'x.yaml', {}));
    assert.deepEqual(load(join(dir, 'nope.txt')).problems, [
      `${at}: names a file that cannot be read (no such file)`,
    ]);
    assert.deepEqual(load(file('blank.txt', '\n\n')).problems, [`${at}: names an empty file`]);
    assert.deepEqual(load(dir).problems, [`${at}: must name a regular file`]);
  });

  void test('no secret value ever appears in a problem', () => {
    const secrets = ['hunter2-inline', 'pa55 w0rd!', 'S3cretPath', 'env-value-42', 'abc\\qdef'];
    const text = `identityProviders:
  - id: corp
    issuer: https://login.example.com
    clientId: jitgate
    clientSecret: hunter2-inline
    clientSecretEnv: CORP_SECRET
  - id: pasted-into-env
    issuer: https://login.example.com
    clientId: jitgate
    clientSecretEnv: "pa55 w0rd!"
  - id: pasted-into-file
    issuer: https://login.example.com
    clientId: jitgate
    clientSecretFile: S3cretPath
  - id: wrong-type
    issuer: https://login.example.com
    clientId: jitgate
    clientSecret: 123456789
`;
    const error = problemsOf(() => parseConfig(text, 'x.yaml', { CORP_SECRET: 'env-value-42' }));
    assert.equal(error.problems.length, 4);
    // A YAML syntax error on a secret's line must not quote the line either.
    const syntax = problemsOf(() =>
      parseConfig(`${MINIMAL}    clientSecret: "abc\\qdef"\n`, 'y', {}),
    );
    for (const reported of [error, syntax]) {
      const everything = `${reported.message}\n${JSON.stringify(reported)}`;
      for (const secret of [...secrets, '123456789']) {
        assert.ok(!everything.includes(secret), `"${secret}" leaked into: ${everything}`);
      }
    }
  });
});
