// sshd settings that a `Match User` block gives one account only: the target agent asks sshd for
// each account's own (`sshd -T -C user=NAME`) when the configuration has Match blocks, even in a
// file an Include names, so a key file or a password login granted to one account is reported.
// Real sshd (its -T parser), a throwaway configuration and accounts file: nothing is started.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from '../../support/guarded-test.js';
import { SSHD_PATH } from '../../../proxy/demo/ssh-target.js';
import { standingFacts } from '../../../proxy/target/standing-facts.js';
import { ed25519Blob, fingerprint, publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-standing-match-'));
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));

/** sshd -T refuses to parse without its privilege separation folder (absent until it first ran). */
if (process.getuid?.() === 0 && !existsSync('/run/sshd'))
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

void describe('standing facts under Match blocks', () => {
  it('reports what a Match User block in an included file gives one account', async () => {
    const hostKey = join(dir, 'host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    const keys = { alice: generateKeyPairSync('ed25519').publicKey };
    const deployKey = generateKeyPairSync('ed25519').publicKey;
    const home = (name: string) => {
      mkdirSync(join(dir, name, '.ssh'), { recursive: true });
      return join(dir, name);
    };
    const alice = home('alice');
    const deploy = home('deploy');
    writeFileSync(
      join(alice, '.ssh', 'authorized_keys'),
      publicKeyLine(keys.alice, 'alice') + '\n',
    );
    // deploy's keys live where only its Match block says.
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'deploy'), publicKeyLine(deployKey, 'deploy-ci') + '\n');
    mkdirSync(join(dir, 'sshd_config.d'));
    writeFileSync(
      join(dir, 'sshd_config.d', '50-deploy.conf'),
      `Match User deploy\n  AuthorizedKeysFile ${join(dir, 'keys')}/%u\n  PasswordAuthentication yes\n`,
    );
    const sshdConfig = join(dir, 'sshd_config');
    writeFileSync(
      sshdConfig,
      [
        `HostKey ${hostKey}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'AuthorizedKeysFile .ssh/authorized_keys',
        `Include ${join(dir, 'sshd_config.d')}/*.conf`,
      ].join('\n') + '\n',
    );
    const passwd = join(dir, 'passwd');
    writeFileSync(
      passwd,
      [`alice:x:0:0::${alice}:/bin/sh`, `deploy:x:0:0::${deploy}:/bin/sh`].join('\n') + '\n',
    );

    const report = await standingFacts({
      resource: 'prod-shell',
      sshd: SSHD_PATH,
      sshdConfig,
      passwd,
      group: join(dir, 'no-group'),
    });
    assert.equal(report.failure, null);
    assert.deepEqual(
      report.keys.map((k) => [k.account, k.fingerprint, k.comment]),
      [
        ['alice', fingerprint(ed25519Blob(keys.alice)), 'alice'],
        ['deploy', fingerprint(ed25519Blob(deployKey)), 'deploy-ci'],
      ],
    );
    assert.equal(report.sshd.passwordAuthentication, true, 'deploy may log in with a password');
    assert.equal(report.sshd.kbdInteractiveAuthentication, false);
  });
});
