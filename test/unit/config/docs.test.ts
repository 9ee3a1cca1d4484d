// docs/configuration.md is generated from the schema: it must match what the generator renders,
// every key must be described, and its example must be a valid, realistic deployment.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseConfig } from '../../../proxy/config/load.js';
import {
  configKeys,
  DOCS_PATH,
  EXAMPLE_CONFIG,
  renderConfigDocs,
} from '../../../scripts/generate-config-docs.js';

void test('docs/configuration.md is up to date with the schema', () => {
  const stale = 'docs/configuration.md is stale: run npm run docs:config';
  assert.ok(existsSync(DOCS_PATH), stale);
  assert.equal(readFileSync(DOCS_PATH, 'utf8'), renderConfigDocs(), stale);
});

void test('every key in the schema has a description', () => {
  const undescribed = configKeys().filter((key) => key.description.trim() === '');
  assert.deepEqual(
    undescribed.map((key) => key.key),
    [],
    'add .describe() to these keys in proxy/config/schema.ts',
  );
});

void test('the reference covers nested keys, list items and the web resource variant', () => {
  const keys = configKeys().map((key) => key.key);
  for (const key of ['`server.port`', '`identityProviders[].clientId`', '`resources[].upstream`']) {
    assert.ok(keys.includes(key), `${key} missing from the reference`);
  }
  const kind = configKeys().find((key) => key.key === '`resources[].kind`');
  assert.equal(kind?.type, '`web`');
});

void test('the example is a real deployment: corporate, vendor and SAML IdPs, two apps, an SSH server, three policies', () => {
  const config = parseConfig(EXAMPLE_CONFIG, 'example', {
    JITGATE_CORP_CLIENT_SECRET: 'corp',
    JITGATE_PARTNER_CLIENT_SECRET: 'partner',
  });
  const [corp, vendor] = config.identityProviders;
  assert.ok(corp?.type === 'oidc');
  assert.equal(corp.kind, 'person');
  assert.match(corp.issuer, /^https:/);
  assert.equal(corp.clientSecret, 'corp');
  assert.equal(vendor?.kind, 'vendor');
  assert.equal(config.identityProviders[2]?.type, 'saml');
  assert.deepEqual(
    config.resources.map((resource) => resource.kind),
    ['web', 'web', 'ssh'],
  );
  assert.equal(config.policies.length, 3);
  assert.ok(config.admins.groups.length > 0);
});
