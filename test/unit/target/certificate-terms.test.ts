// What the target agent reads from a recorded certificate, for every user key type jitgate
// certifies (POST /grants/:id/ssh-cert takes ed25519, RSA and ECDSA public keys): the valid-before, so a
// direct certificate for an RSA or ECDSA key is ended at its end like an ed25519 one (the
// revocation list drops a certificate once it is past its valid-before, so the clock is the only
// thing that ends such a connection then); and the relay mark. Anything unreadable has neither.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { certificateTerms } from '../../../proxy/target/certificate-terms.js';
import { extensionsFor } from '../../../proxy/terminal/cert-purpose.js';
import { mintUserCertificate } from '../../../proxy/terminal/ssh-cert.js';
import { SshWriter } from '../../../proxy/terminal/ssh-wire.js';

const ca = generateKeyPairSync('ed25519').privateKey;
const VALID_BEFORE = 1_800_000_000_000;

/** An OpenSSH public key line of `type` with `fields` (the terms never look at their values). */
const keyLine = (type: string, fields: Buffer[]) => {
  const blob = new SshWriter().string(type);
  for (const field of fields) blob.string(field);
  return `${type} ${blob.toBuffer().toString('base64')}`;
};

const KEYS: Record<string, string> = {
  rsa: keyLine('ssh-rsa', [Buffer.from([1, 0, 1]), randomBytes(257)]),
  ecdsa: keyLine('ecdsa-sha2-nistp256', [Buffer.from('nistp256'), randomBytes(65)]),
  'ecdsa-521': keyLine('ecdsa-sha2-nistp521', [Buffer.from('nistp521'), randomBytes(133)]),
};

const blobOf = (line: string) => Buffer.from(line.split(' ')[1] ?? '', 'base64');

void describe('certificate terms', () => {
  for (const [name, publicKey] of Object.entries(KEYS)) {
    it(`reads the valid-before and the relay mark of an ${name} certificate`, () => {
      for (const purpose of ['direct', 'relay'] as const) {
        const cert = mintUserCertificate(ca, {
          publicKey,
          principals: ['deploy'],
          keyId: 'corp:ci/grt_1',
          validAfter: VALID_BEFORE - 3_600_000,
          validBefore: VALID_BEFORE,
          extensions: extensionsFor(purpose),
        });
        assert.deepEqual(certificateTerms(blobOf(cert.line)), {
          validBefore: VALID_BEFORE,
          relay: purpose === 'relay',
        });
      }
    });
  }

  it('has neither for a certificate it cannot read', () => {
    const unreadable = { validBefore: undefined, relay: false };
    assert.deepEqual(certificateTerms(Buffer.from('not a certificate')), unreadable);
    const unknownType = new SshWriter().string('ssh-xmss-cert-v01@openssh.com').toBuffer();
    assert.deepEqual(certificateTerms(unknownType), unreadable);
  });
});
