// SAML identity providers in the config: their defaults, every problem at once (signatures never
// both off, exactly one source of IdP facts, https, certificates that parse), metadata files
// found next to the config, an unknown type, and machines that may only name OIDC IdPs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../../proxy/config/errors.js';
import { loadConfigFile, parseConfig } from '../../../proxy/config/load.js';
import { testSigningKey } from '../../support/saml-forge.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-saml-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CERT = testSigningKey('config test').certificatePem;
const indented = (text: string, spaces: number) =>
  text
    .trim()
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');

function problems(yaml: string): readonly string[] {
  try {
    parseConfig(yaml, 'inline.yaml', {});
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('the configuration loaded');
}

void describe('a SAML identity provider', () => {
  void test('by metadata URL gets every default', () => {
    const config = parseConfig(
      `identityProviders:
  - id: adfs
    type: saml
    metadataUrl: https://adfs.example.com/FederationMetadata/2007-06/FederationMetadata.xml
`,
      'inline.yaml',
      {},
    );
    assert.deepEqual(config.identityProviders[0], {
      id: 'adfs',
      kind: 'person',
      type: 'saml',
      metadataUrl: 'https://adfs.example.com/FederationMetadata/2007-06/FederationMetadata.xml',
      metadataRefresh: 86_400_000,
      allowInsecureRequests: false,
      wantAssertionsSigned: true,
      wantResponseSigned: false,
      signAuthnRequests: true,
      allowIdpInitiated: false,
      clockSkew: 60_000,
      attributes: { username: 'uid', email: 'email', name: 'displayName', groups: 'groups' },
      groupMap: {},
      passUnmappedGroups: false,
    });
  });

  void test('written out: entity ID, SSO URL and a PEM or bare base64 certificate', () => {
    const base64 = CERT.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const config = parseConfig(
      `identityProviders:
  - id: okta
    type: saml
    entityId: http://www.okta.com/exk1
    ssoUrl: https://corp.okta.com/app/jitgate/exk1/sso/saml
    certificates:
      - |
${indented(CERT, 8)}
      - ${base64}
`,
      'inline.yaml',
      {},
    );
    const [okta] = config.identityProviders;
    assert.ok(okta?.type === 'saml');
    assert.equal(okta.certificates?.length, 2);
  });

  void test('reports every problem at once', () => {
    assert.deepEqual(
      problems(`identityProviders:
  - id: corp
    type: saml
    metadataUrl: http://idp.example.com/metadata
    metadataFile: idp.xml
    certificates: [not-a-certificate]
    wantAssertionsSigned: false
    clockSkew: 1h
    clientId: oops
`),
      [
        'identityProviders[0].metadataUrl (line 4): is http:// — use https, or set allowInsecureRequests for development',
        'identityProviders[0].metadataUrl (line 4): set only one of metadataUrl, metadataFile',
        'identityProviders[0].metadataFile (line 5): names a file that cannot be read (no such file)',
        'identityProviders[0].certificates (line 6): set either metadata or ssoUrl + certificates, not both',
        'identityProviders[0].certificates[0] (line 6): must be an X.509 certificate (PEM, or the base64 of its DER)',
        'identityProviders[0].wantAssertionsSigned (line 7): may only be false with wantResponseSigned: true; jitgate never accepts an unsigned assertion',
        'identityProviders[0].clockSkew (line 8): must be at most 5m',
        'identityProviders[0].clientId (line 9): unknown key',
      ],
    );
  });

  void test('without metadata it needs entity ID, SSO URL and certificates', () => {
    assert.deepEqual(problems('identityProviders:\n  - id: corp\n    type: saml\n'), [
      'identityProviders[0].certificates (line 2): is required without metadataUrl or metadataFile',
      'identityProviders[0].entityId (line 2): is required without metadataUrl or metadataFile',
      'identityProviders[0].ssoUrl (line 2): is required without metadataUrl or metadataFile',
    ]);
  });

  void test('an unknown type names the known ones', () => {
    assert.deepEqual(problems('identityProviders:\n  - id: corp\n    type: ldap\n'), [
      'identityProviders[0].type (line 3): must be one of "oidc", "saml"',
    ]);
  });

  void test('a metadata file is found next to the config file', () => {
    writeFileSync(join(dir, 'idp-metadata.xml'), '<EntityDescriptor/>');
    const path = join(dir, 'jitgate.yaml');
    writeFileSync(
      path,
      'identityProviders:\n  - id: corp\n    type: saml\n    metadataFile: idp-metadata.xml\n',
    );
    const [idp] = loadConfigFile(path, {}).identityProviders;
    assert.ok(idp?.type === 'saml');
    assert.equal(idp.metadataFile, join(dir, 'idp-metadata.xml'));
  });

  void test('machines may not name a SAML IdP: it issues no access tokens', () => {
    assert.deepEqual(
      problems(`identityProviders:
  - id: corp
    type: saml
    metadataUrl: https://idp.example.com/metadata
machines:
  issuers:
    - idp: corp
      audience: jitgate
`),
      [
        'machines.issuers[0].idp (line 7): names SAML identity provider "corp"; machines need an OIDC one',
      ],
    );
  });
});
