// Where a SAML IdP's facts come from: metadata parsed (one entity of several, the HTTP-Redirect
// SSO URL, signing certificates only), a metadata file that is unusable stops startup with the
// IdP named, a metadata URL read at first use, kept until metadataRefresh, and its last good copy
// kept while the URL fails; without one, no login starts (idp_unavailable).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validateConfig } from '../../../proxy/config/load.js';
import type { SamlIdentityProviderConfig } from '../../../proxy/config/schema.js';
import { idpFactsSource } from '../../../proxy/identity/saml-idp-facts.js';
import { parseIdpMetadata } from '../../../proxy/identity/saml-xml.js';
import { JitgateError } from '../../../proxy/shared/errors.js';
import { testSigningKey } from '../../support/saml-forge.js';

const SIGNING = testSigningKey('signing').certificatePem;
const ENCRYPTION = testSigningKey('encryption').certificatePem;
const der = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

function entity(entityId: string, sso = `https://idp.test/${entityId}/sso`): string {
  return `<md:EntityDescriptor entityID="${entityId}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der(ENCRYPTION)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
      ${der(SIGNING)}
    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.test/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${sso}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

const NS = `xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"`;
const single = (entityId: string, sso?: string) =>
  entity(entityId, sso).replace('<md:EntityDescriptor', `<md:EntityDescriptor ${NS}`);
const federation = `<md:EntitiesDescriptor ${NS}>${entity('https://a.test')}${entity('https://b.test')}<md:EntityDescriptor entityID="https://sp.test"><md:SPSSODescriptor/></md:EntityDescriptor></md:EntitiesDescriptor>`;

void describe('IdP metadata', () => {
  void test('gives the entity ID, the HTTP-Redirect SSO URL and only signing certificates', () => {
    assert.deepEqual(parseIdpMetadata(single('https://a.test')), {
      entityId: 'https://a.test',
      ssoUrl: 'https://idp.test/https://a.test/sso',
      certificates: [der(SIGNING)],
    });
  });

  void test('picks one IdP of several by entityId, and asks for it when there are several', () => {
    assert.equal(parseIdpMetadata(federation, 'https://b.test').entityId, 'https://b.test');
    assert.throws(() => parseIdpMetadata(federation), /several identity providers: set entityId/);
    assert.throws(() => parseIdpMetadata(federation, 'https://c.test'), /no identity provider/);
  });

  void test('refuses metadata without what a login needs, or with a DTD', () => {
    const noRedirect = single('https://a.test').replace(
      /<md:SingleSignOnService[^>]*Redirect[^>]*\/>/,
      '',
    );
    assert.throws(() => parseIdpMetadata(noRedirect), /HTTP-Redirect/);
    const noKeys = single('https://a.test').replace(
      /<md:KeyDescriptor>[\s\S]*?<\/md:KeyDescriptor>/,
      '',
    );
    assert.throws(() => parseIdpMetadata(noKeys), /no signing certificate/);
    assert.throws(() => parseIdpMetadata(`<!DOCTYPE x>${single('https://a.test')}`), /DTD/);
    assert.throws(() => parseIdpMetadata('<md:EntityDescriptor'), /not well-formed/);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'jitgate-saml-facts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function samlIdp(keys: Record<string, unknown>): SamlIdentityProviderConfig {
  const [idp] = validateConfig(
    { identityProviders: [{ id: 'corp', type: 'saml', ...keys }] },
    {},
  ).identityProviders;
  assert.ok(idp?.type === 'saml');
  return idp;
}

void describe('IdP facts', () => {
  void test('from a metadata file, read at startup; a broken one stops it, naming the IdP', async () => {
    const good = join(dir, 'good.xml');
    writeFileSync(good, single('https://a.test'));
    const facts = await idpFactsSource(samlIdp({ metadataFile: good }), Date.now).get();
    assert.equal(facts.ssoUrl, 'https://idp.test/https://a.test/sso');
    assert.match(facts.certificates[0] ?? '', /^-----BEGIN CERTIFICATE-----\n/);
    const insecure = join(dir, 'insecure.xml');
    writeFileSync(insecure, single('https://a.test', 'http://idp.test/sso'));
    assert.throws(
      () => idpFactsSource(samlIdp({ metadataFile: insecure }), Date.now),
      /identity provider corp: metadataFile: the SSO URL in the metadata is not an https URL/,
    );
  });

  void describe('from a metadata URL', () => {
    let server: Server;
    let url: string;
    let reads = 0;
    let failing = false;
    before(async () => {
      server = createServer((_req, res) => {
        reads++;
        if (failing) res.writeHead(503).end();
        else
          res.writeHead(200, { 'content-type': 'application/xml' }).end(single('https://a.test'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    void test('reads at first use, keeps it until metadataRefresh, then reads again', async () => {
      let now = 1_000;
      const source = idpFactsSource(
        samlIdp({ metadataUrl: url, allowInsecureRequests: true, metadataRefresh: '1h' }),
        () => now,
      );
      reads = 0;
      assert.equal(reads, 0);
      await Promise.all([source.get(), source.get()]);
      assert.equal(reads, 1, 'one read for two logins at once');
      now += 3_599_000;
      await source.get();
      assert.equal(reads, 1);
      now += 1_000;
      await source.get();
      assert.equal(reads, 2);
      // The URL fails: the last good metadata stays in use.
      failing = true;
      now += 3_600_000;
      assert.equal((await source.get()).entityId, 'https://a.test');
      failing = false;
    });

    void test('without a good copy, a failing URL means idp_unavailable', async () => {
      failing = true;
      const source = idpFactsSource(
        samlIdp({ metadataUrl: url, allowInsecureRequests: true }),
        Date.now,
      );
      await assert.rejects(
        source.get(),
        (error) =>
          error instanceof JitgateError && error.status === 502 && error.code === 'idp_unavailable',
      );
      failing = false;
      assert.equal((await source.get()).entityId, 'https://a.test');
    });
  });
});
