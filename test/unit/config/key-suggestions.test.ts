// An unknown config key suggests the key meant, from the keys allowed at that place (for a
// resource, those of its kind), and suggests nothing when nothing is close.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../proxy/config/errors.js';
import { validateConfig } from '../../../proxy/config/load.js';

function problemsOf(doc: unknown): readonly string[] {
  try {
    validateConfig(doc, {});
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

const IDP = { id: 'corp', issuer: 'https://login.example.com', clientId: 'x' };

void describe('unknown config keys', () => {
  void test('a misspelt key suggests the key meant, from its own kind of resource', () => {
    const problems = problemsOf({
      identityProviders: [{ ...IDP, scope: ['openid'] }],
      resources: [
        { id: 'wiki', kind: 'web', host: 'wiki.example.com', upstrem: 'http://127.0.0.1:1' },
        { id: 'db', kind: 'postgres', admin_url_env: 'PG', database: 'x', grantRoles: ['r'] },
      ],
      polices: [],
    });
    assert.deepEqual(problems, [
      'identityProviders[0].scope: unknown key; did you mean "scopes"?',
      'resources[0].upstream: is required',
      'resources[0].upstrem: unknown key; did you mean "upstream"?',
      'resources[1].adminUrlEnv: set exactly one of adminUrlEnv, adminUrlFile',
      'resources[1].admin_url_env: unknown key; did you mean "adminUrlEnv"?',
      'polices: unknown key; did you mean "policies"?',
    ]);
  });

  void test('nothing close: no suggestion', () => {
    const problems = problemsOf({ identityProviders: [IDP], zzzzzz: 1 });
    assert.deepEqual(problems, ['zzzzzz: unknown key']);
  });
});
