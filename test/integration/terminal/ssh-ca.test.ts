// The certificates jitgate mints against a real OpenSSH sshd that trusts its CA: a minted
// certificate logs in (a relay one too: sshd ignores the relay's mark); an expired one, one for another principal and one from another CA are
// refused by sshd itself; during a CA roll-over both trusted keys work.
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { userInfo } from 'node:os';
import { after, before, describe, it } from '../../support/guarded-test.js';
import { openSqliteStore } from '../../../proxy/store/sqlite/sqlite-store.js';
import type { Store } from '../../../proxy/store/types.js';
import { SshCertificateAuthority } from '../../../proxy/terminal/ssh-ca.js';
import { caPublicKeyLine, mintUserCertificate } from '../../../proxy/terminal/ssh-cert.js';
import { newEd25519 } from '../../../proxy/terminal/ssh-keys.js';
import { sshWith, startSshTarget, type SshTarget } from '../../support/sshd.js';

const account = userInfo().username;
let store: Store;
let ca: SshCertificateAuthority;
let target: SshTarget;

before(async () => {
  store = openSqliteStore(':memory:');
  // Generation 2 signs; generation 1 (the "old" CA of a roll-over) is served as trusted too.
  ca = await SshCertificateAuthority.open(store.settings, { signingGeneration: 2, alsoTrust: [1] });
  const started = await startSshTarget({
    caKeys: ca.publicKeyLines(),
    principals: { [account]: ['deploy'] },
  });
  assert.ok(started, 'sshd is installed (openssh-server; see .ci/run)');
  target = started;
});
after(async () => {
  await target?.close();
  await store.close();
});

const mint = (principal: string, validBefore = Date.now() + 10 * 60_000) => {
  const key = newEd25519();
  const certificate = ca.mint({
    publicKey: key.publicKey,
    principal,
    keyId: 'alice/grt_test',
    now: Date.now(),
    validBefore,
    purpose: 'relay', // sshd accepts the relay's mark (an extension it does not know)
  });
  return { key, certificate };
};

void describe('SSH certificates against a real sshd', () => {
  it('serves both keys of a roll-over, signing key first', async () => {
    const lines = ca.publicKeyLines();
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^ssh-ed25519 AAAA\S+ jitgate-user-ca-g2$/);
    assert.match(lines[1] ?? '', /^ssh-ed25519 AAAA\S+ jitgate-user-ca-g1$/);
    const again = await SshCertificateAuthority.open(store.settings, {
      signingGeneration: 2,
      alsoTrust: [1],
    });
    assert.deepEqual(again.publicKeyLines(), lines, 'keys are kept in the store, not made anew');
  });

  it('logs in with a minted certificate for the granted login', async () => {
    const { key, certificate } = mint('deploy');
    assert.match(certificate.line, /^ssh-ed25519-cert-v01@openssh\.com AAAA\S+ alice\/grt_test$/);
    const run = await sshWith(
      target,
      account,
      key.privateKey,
      certificate.line,
      'echo cert-login-ok',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /cert-login-ok/);
  });

  it('is refused by sshd once the certificate has expired', async () => {
    const generation2 = (await store.settings.get('ssh_user_ca_g2')) ?? '';
    const key = newEd25519();
    // The same CA, the right principal, but its validity ended an hour ago.
    const expired = mintUserCertificate(createPrivateKey(generation2), {
      publicKey: key.publicKey,
      principals: ['deploy'],
      keyId: 'alice/grt_expired',
      validAfter: Date.now() - 2 * 3_600_000,
      validBefore: Date.now() - 3_600_000,
    });
    const run = await sshWith(target, account, key.privateKey, expired.line, 'true');
    assert.equal(run.code, 255);
    assert.match(run.stderr, /Permission denied/);
    assert.match(target.log(), /expired|not yet valid|Certificate invalid/i);
  });

  it('is refused by sshd for a principal the account does not accept', async () => {
    const { key, certificate } = mint('intruder');
    const run = await sshWith(target, account, key.privateKey, certificate.line, 'true');
    assert.equal(run.code, 255);
    assert.match(run.stderr, /Permission denied/);
  });

  it('is refused by sshd when another CA signed it', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const key = newEd25519();
    const forged = mintUserCertificate(other, {
      publicKey: key.publicKey,
      principals: ['deploy'],
      keyId: 'mallory/grt_x',
      validAfter: Date.now() - 60_000,
      validBefore: Date.now() + 600_000,
    });
    assert.notEqual(caPublicKeyLine(other, ''), ca.publicKeyLines()[0]);
    const run = await sshWith(target, account, key.privateKey, forged.line, 'true');
    assert.equal(run.code, 255);
    assert.match(run.stderr, /Permission denied/);
  });

  it('still accepts a certificate of the previous CA during a roll-over', async () => {
    const previous = await SshCertificateAuthority.open(store.settings, {
      signingGeneration: 1,
      alsoTrust: [],
    });
    const key = newEd25519();
    const certificate = previous.mint({
      publicKey: key.publicKey,
      principal: 'deploy',
      keyId: 'alice/grt_old',
      now: Date.now(),
      validBefore: Date.now() + 60_000,
      purpose: 'direct',
    });
    const run = await sshWith(target, account, key.privateKey, certificate.line, 'echo old-ca-ok');
    assert.equal(run.code, 0, run.stderr);
  });
});
