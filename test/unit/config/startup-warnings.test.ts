// Start-up warnings for a configuration that is valid but likely wrong: a group that policy (or
// admins, auditors) names but no identity provider can ever give anyone, and plain HTTP on a
// non-loopback address with no https publicUrl (nothing terminates TLS in front), and people
// named by a username or email several identity providers could send.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateConfig } from '../../../proxy/config/load.js';
import { configWarnings } from '../../../proxy/config/startup-warnings.js';
import { demoConfig } from '../../../proxy/demo/demo-config.js';

const IDP = { id: 'corp', issuer: 'https://login.example.com', clientId: 'x' };
const RESOURCE = { id: 'wiki', kind: 'web', host: 'wiki.example.com', upstream: 'http://10.0.0.2' };

function warningsOf(doc: Record<string, unknown>): string[] {
  return configWarnings(validateConfig({ resources: [RESOURCE], ...doc }, {}));
}

void describe('start-up warnings', () => {
  void test('a group no identity provider maps can never match', () => {
    const warnings = warningsOf({
      identityProviders: [{ ...IDP, groupMap: { 'Eng-Staff': ['staff'] } }],
      policies: [
        {
          id: 'wiki',
          resources: ['wiki'],
          subjects: { groups: ['staff'] },
          approval: { groups: ['approvers'] },
        },
      ],
      admins: { groups: ['admins'] },
    });
    assert.deepEqual(warnings, [
      'policies[0].approval.groups: no identity provider gives anyone the group "approvers" (add it to an identityProviders[].groupMap, or set passUnmappedGroups): it can never match',
      'admins.groups: no identity provider gives anyone the group "admins" (add it to an identityProviders[].groupMap, or set passUnmappedGroups): it can never match',
    ]);
  });

  void test('passUnmappedGroups or a machine issuer can give any group: no warning', () => {
    assert.deepEqual(
      warningsOf({
        identityProviders: [{ ...IDP, passUnmappedGroups: true }],
        admins: { groups: ['admins'] },
      }),
      [],
    );
    assert.deepEqual(
      warningsOf({
        identityProviders: [IDP],
        machines: { issuers: [{ idp: 'corp', clientGroups: { ci: ['deployers'] } }] },
        policies: [
          {
            id: 'ci',
            resources: ['wiki'],
            subjects: { groups: ['deployers'] },
            autoApprove: { maxDuration: '1h' },
          },
        ],
      }),
      [],
    );
  });

  void test('plain HTTP on a non-loopback address without an https publicUrl', () => {
    const open = warningsOf({ identityProviders: [IDP], server: { host: '0.0.0.0' } });
    assert.deepEqual(open, [
      'server.host: jitgate listens on plain HTTP on 0.0.0.0 and server.publicUrl is not https: sessions and tokens would cross the network unencrypted; terminate TLS in front (docs/identity-providers.md) and set publicUrl to its https origin',
    ]);
    for (const host of ['127.0.0.1', '::1', 'localhost'])
      assert.deepEqual(warningsOf({ identityProviders: [IDP], server: { host } }), [], host);
    const behindTls = { host: '0.0.0.0', publicUrl: 'https://access.example.com' };
    assert.deepEqual(warningsOf({ identityProviders: [IDP], server: behindTls }), []);
  });
});

void describe('people named by a name several identity providers can send', () => {
  const contractors = { ...IDP, id: 'contractors', issuer: 'https://adfs.example.com' };
  const glass = (users: string[]) => ({
    id: 'wiki',
    resources: ['wiki'],
    subjects: { users },
    approval: { groups: ['approvers'] },
    breakGlass: { users, incidentPattern: '^INC-\\d+$' },
  });

  void test('a username or email, with two IdPs of the kind allowed, is a warning', () => {
    const warnings = warningsOf({
      identityProviders: [{ ...IDP, passUnmappedGroups: true }, contractors],
      policies: [glass(['alice', 'corp:a-1', 'bob@example.com'])],
    });
    const sent =
      'each of the identity providers corp, contractors can send it for anyone it signs in: name the person by user id (<idp>:<sub>)';
    assert.deepEqual(warnings, [
      `policies[0].subjects.users: "alice" is a username or email, and ${sent}`,
      `policies[0].subjects.users: "bob@example.com" is a username or email, and ${sent}`,
      `policies[0].breakGlass.users: "alice" is a username or email, and ${sent}`,
      `policies[0].breakGlass.users: "bob@example.com" is a username or email, and ${sent}`,
    ]);
  });

  void test('one IdP of the kind allowed (a vendor IdP aside) is no warning', () => {
    const vendors = { ...contractors, kind: 'vendor' };
    assert.deepEqual(
      warningsOf({
        identityProviders: [{ ...IDP, passUnmappedGroups: true }, vendors],
        policies: [glass(['alice'])],
      }),
      [],
    );
  });
});

void describe('the demo configuration', () => {
  void test('starts without a warning', () => {
    const config = validateConfig(
      demoConfig({
        port: 8080,
        stateDir: '/tmp/x',
        clientSecrets: { demo: 's', vendors: 'v' },
        payrollUrl: 'http://127.0.0.1:1',
        ordersDb: { adminUrl: { env: 'JITGATE_DEMO_PG_URL' }, database: 'orders' },
        kubeReviewerToken: 'r'.repeat(32),
      }),
      {},
    );
    assert.deepEqual(configWarnings(config), []);
  });
});
