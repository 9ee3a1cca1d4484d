// The certificate jitgate wraps its SAML key in: a real X.509 certificate node:crypto (and so
// OpenSSL, xmlsec1, every SAML stack) reads, signed by the key itself, for the given name and time.
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { selfSignedCertificate } from '../../../proxy/identity/self-signed-cert.js';

test('a self-signed certificate for the key, name and validity asked for', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const notBefore = new Date(Date.UTC(2026, 0, 1));
  const notAfter = new Date(Date.UTC(2056, 0, 1)); // after 2049: GeneralizedTime
  const cert = new X509Certificate(
    selfSignedCertificate(privateKey, publicKey, {
      commonName: 'jitgate SAML ✓',
      notBefore,
      notAfter,
    }),
  );
  assert.equal(cert.subject, 'CN=jitgate SAML ✓');
  assert.equal(cert.issuer, cert.subject);
  assert.ok(cert.verify(publicKey));
  assert.ok(cert.publicKey.equals(publicKey));
  assert.equal(new Date(cert.validFrom).getTime(), notBefore.getTime());
  assert.equal(new Date(cert.validTo).getTime(), notAfter.getTime());
});
