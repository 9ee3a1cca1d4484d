// `kind: ssh` resources and the `terminal` section: defaults, each problem reported with its
// path, and SSH hosts exempt from the web-host checks (they may repeat and may be loopback).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../proxy/config/errors.js';
import { parseConfig } from '../../../proxy/config/load.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOkf1VbwAo3aH6vB3rFmK2QrhGq1N4Y3cnbbpWh0r4nE';
const BASE = `server: { publicUrl: http://localhost:8080 }
identityProviders:
  - { id: corp, issuer: https://login.example.com, clientId: jitgate }
resources:
`;

const load = (resources: string) => parseConfig(BASE + resources, 'jitgate.yaml', {});

function problems(resources: string): string {
  try {
    load(resources);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('the configuration loaded');
}

void describe('ssh resources', () => {
  test('get their defaults: port 22, recording required, no input, 15m idle, relay only', () => {
    const config = load(
      `  - { id: prod-shell, kind: ssh, host: 10.0.0.5, logins: [deploy], hostKey: "${KEY}" }\n`,
    );
    const [resource] = config.resources;
    assert.ok(resource?.kind === 'ssh');
    assert.equal(resource.port, 22);
    assert.equal(resource.recording, 'required');
    assert.equal(resource.recordInput, false);
    assert.equal(resource.idleTimeout, 15 * 60_000);
    assert.deepEqual(resource.accounts, {});
    assert.equal(resource.directAccess, false, 'no certificate for direct use unless turned on');
    assert.deepEqual(config.terminal, {
      caSigningGeneration: 1,
      caAlsoTrust: [],
      sshCommand: 'ssh',
      relaySourceAddresses: [],
      maxSessionsPerPerson: 20,
    });
  });

  test('may share a host, and use loopback like the portal', () => {
    const config =
      load(`  - { id: a, kind: ssh, host: localhost, logins: [deploy], hostKey: "${KEY}" }
  - { id: b, kind: ssh, host: localhost, port: 2222, logins: [ops], hostCA: "${KEY}" }\n`);
    assert.equal(config.resources.length, 2);
  });

  test('report every problem with its path', () => {
    const message = problems(`  - id: one
    kind: ssh
    host: "bad host"
    logins: [Root!]
    accounts: { other: root }
    hostKey: "ssh-dss AAAA"
    recording: sometimes
  - { id: two, kind: ssh, host: h, logins: [a], hostKey: "${KEY}", hostCA: "${KEY}" }\n`);
    for (const expected of [
      'resources[0].host',
      'resources[0].logins[0]',
      'resources[0].hostKey',
      'resources[0].recording',
      'set exactly one of hostKey, hostCA',
    ])
      assert.ok(message.includes(expected), `${expected} in:\n${message}`);
  });

  test('terminal.relaySourceAddresses takes addresses and CIDRs, nothing else', () => {
    const resources = `  - { id: a, kind: ssh, host: h, logins: [deploy], hostKey: "${KEY}" }\n`;
    const good = parseConfig(
      `${BASE}${resources}terminal: { relaySourceAddresses: [10.0.0.5, 10.0.0.0/24, "fd00::1/128"] }\n`,
      'jitgate.yaml',
      {},
    );
    assert.deepEqual(good.terminal.relaySourceAddresses, [
      '10.0.0.5',
      '10.0.0.0/24',
      'fd00::1/128',
    ]);
    const message = problems(`${resources}terminal: { relaySourceAddresses: ["10.0.0.0/24,*"] }\n`);
    assert.match(message, /terminal\.relaySourceAddresses\[0\]/);
  });

  test('accounts may only map logins the resource allows', () => {
    const message = problems(
      `  - { id: one, kind: ssh, host: h, logins: [deploy], accounts: { other: root }, hostKey: "${KEY}" }\n`,
    );
    assert.match(
      message,
      /resources\[0\]\.accounts\.other \(line \d+\): names a login that is not in logins/,
    );
  });
});
