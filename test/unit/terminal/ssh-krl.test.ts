// The revocation list jitgate writes is one OpenSSH reads: `ssh-keygen -Q` (the same code sshd
// runs at every login) calls a listed certificate REVOKED, an unlisted one and an empty list ok,
// and jitgate reads its own lists back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { mintUserCertificate } from '../../../proxy/terminal/ssh-cert.js';
import { readRevocationList, writeRevocationList } from '../../../proxy/terminal/ssh-krl.js';
import { ed25519Blob } from '../../../proxy/terminal/ssh-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-krl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ca = generateKeyPairSync('ed25519');
const otherCa = generateKeyPairSync('ed25519');
const certificate = (serial: bigint, by = ca.privateKey) => {
  const user = generateKeyPairSync('ed25519');
  const path = join(dir, `cert-${serial}-${Math.random()}.pub`);
  const cert = mintUserCertificate(by, {
    publicKey: user.publicKey,
    principals: ['deploy'],
    keyId: 'alice/grt_x',
    validAfter: Date.now() - 60_000,
    validBefore: Date.now() + 3_600_000,
    serial,
  });
  writeFileSync(path, cert.line + '\n');
  return path;
};

function query(krl: Buffer, cert: string): string {
  const path = join(dir, `krl-${Math.random()}`);
  writeFileSync(path, krl);
  const run = spawnSync('ssh-keygen', ['-Q', '-f', path, cert], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

void describe('OpenSSH key revocation lists', () => {
  const caKeys = [ed25519Blob(ca.publicKey), ed25519Blob(otherCa.publicKey)];

  test('ssh-keygen calls a listed serial REVOKED and an unlisted one ok', () => {
    const krl = writeRevocationList({
      caKeys,
      serials: [7n, 1234567890123n],
      version: 3n,
      generatedAt: Date.now(),
    });
    assert.match(query(krl, certificate(1234567890123n)), /REVOKED/);
    assert.match(query(krl, certificate(7n, otherCa.privateKey)), /REVOKED/);
    assert.match(query(krl, certificate(8n)), /: ok/);
  });

  test('an empty list revokes nothing', () => {
    const krl = writeRevocationList({ caKeys, serials: [], version: 1n, generatedAt: Date.now() });
    assert.match(query(krl, certificate(9n)), /: ok/);
  });

  test('jitgate reads back what it wrote', () => {
    const krl = writeRevocationList({
      caKeys,
      serials: [5n, 2n, 5n, 0n],
      version: 42n,
      generatedAt: 0,
    });
    const parsed = readRevocationList(krl);
    assert.equal(parsed.version, 42n);
    assert.deepEqual([...parsed.serials].sort(), [2n, 5n]);
    assert.throws(() => readRevocationList(Buffer.from('ssh-ed25519 AAAA')), /not an OpenSSH KRL/);
  });
});
