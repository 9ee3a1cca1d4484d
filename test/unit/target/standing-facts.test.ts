/**
 * What the target agent reads on its host is hostile: when `sshd -T` fails it can trust nothing
 * it would read next and reports only the failure; and a file a local account controls (its
 * authorized_keys, its principals file) may be a FIFO, whose plain open waits for a writer
 * forever. The agent runs the revocation sweep in the same process, so such a wait would keep a
 * revoked certificate's session open: a file that is not a regular file is skipped, as sshd does.
 * The agent runs as root, but sshd reads these files as the account: a file (or `~/.ssh`) that is
 * a symlink to something only root may read (/etc/shadow) is skipped, never sent to jitgate.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { emptyStandingReport } from '../../../proxy/shared/ssh-standing-report.js';
import { standingFacts } from '../../../proxy/target/standing-facts.js';
import { ed25519Blob, fingerprint, publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-standing-facts-'));
chmodSync(dir, 0o755); // the accounts' homes are in it: they may search it, as they would /home
after(() => rmSync(dir, { recursive: true, force: true }));

/** An `sshd` that prints its -f file as `sshd -T` would print the effective settings. */
function fakeSshd(settings: string[]): { sshd: string; sshdConfig: string } {
  const sshd = join(dir, 'sshd');
  writeFileSync(sshd, '#!/bin/sh\nexec cat "$3"\n');
  chmodSync(sshd, 0o755);
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(sshdConfig, settings.join('\n') + '\n');
  return { sshd, sshdConfig };
}

void describe('standing facts', () => {
  void it('reports only the failure when sshd -T cannot run', async () => {
    const report = await standingFacts({
      resource: 'prod-shell',
      sshd: '/nonexistent/sshd',
      sshdConfig: '/nonexistent/sshd_config',
      passwd: '/etc/passwd',
      group: '/etc/group',
    });
    assert.deepEqual(report, { ...emptyStandingReport('prod-shell'), failure: 'sshd -T failed' });
  });

  void it('skips an authorized_keys or principals file that is a FIFO, and reads the rest', async () => {
    const key = generateKeyPairSync('ed25519').publicKey;
    const homes = { mallory: join(dir, 'mallory'), alice: join(dir, 'alice') };
    for (const home of Object.values(homes)) mkdirSync(join(home, '.ssh'), { recursive: true });
    // mallory's files wait for a writer that never comes; alice's are ordinary.
    execFileSync('mkfifo', [join(homes.mallory, '.ssh', 'authorized_keys')]);
    execFileSync('mkfifo', [join(homes.mallory, '.ssh', 'principals')]);
    writeFileSync(join(homes.alice, '.ssh', 'authorized_keys'), publicKeyLine(key, 'alice') + '\n');
    writeFileSync(join(homes.alice, '.ssh', 'principals'), 'deploy\n');
    const passwd = join(dir, 'passwd');
    writeFileSync(
      passwd,
      [
        `mallory:x:1001:1001::${homes.mallory}:/bin/sh`,
        `alice:x:1002:1002::${homes.alice}:/bin/sh`,
      ].join('\n') + '\n',
    );
    const report = await standingFacts({
      resource: 'prod-shell',
      ...fakeSshd([
        'authorizedkeysfile .ssh/authorized_keys',
        'authorizedprincipalsfile %h/.ssh/principals',
      ]),
      passwd,
      group: join(dir, 'no-group'),
    });
    assert.equal(report.failure, null);
    assert.deepEqual(
      report.keys.map((k) => [k.account, k.fingerprint]),
      [['alice', fingerprint(ed25519Blob(key))]],
    );
    assert.deepEqual(report.principals, [{ account: 'alice', principal: 'deploy' }]);
  });

  void it('reports only files the account itself could read, not root-only ones it links to', async () => {
    const key = generateKeyPairSync('ed25519').publicKey;
    const secrets = join(dir, 'root-only');
    mkdirSync(secrets, { mode: 0o700 });
    const shadow = join(dir, 'shadow');
    writeFileSync(shadow, 'root:$6$hash:19000:0:99999:7:::\n', { mode: 0o600 });
    writeFileSync(join(secrets, 'principals'), 'root-secret\n', { mode: 0o644 });
    writeFileSync(join(secrets, 'authorized_keys'), publicKeyLine(key, 'root-only') + '\n');
    const home = (name: string) => {
      const path = join(dir, 'links', name);
      mkdirSync(path, { recursive: true });
      return path;
    };
    // eve's principals file is /etc/shadow; frank's ~/.ssh is a folder only root may search.
    const eve = home('eve');
    mkdirSync(join(eve, '.ssh'));
    symlinkSync(shadow, join(eve, '.ssh', 'principals'));
    const frank = home('frank');
    symlinkSync(secrets, join(frank, '.ssh'));
    // grace's own file is hers (0600), and a group file of the team she is in is readable to her.
    const grace = home('grace');
    mkdirSync(join(grace, '.ssh'));
    writeFileSync(join(grace, '.ssh', 'principals'), 'deploy\n', { mode: 0o600 });
    chownSync(join(grace, '.ssh', 'principals'), 1005, 1005);
    writeFileSync(join(grace, '.ssh', 'authorized_keys'), publicKeyLine(key, 'grace') + '\n', {
      mode: 0o640,
    });
    chownSync(join(grace, '.ssh', 'authorized_keys'), 0, 4000);
    const passwd = join(dir, 'passwd-links');
    writeFileSync(
      passwd,
      [
        `eve:x:1003:1003::${eve}:/bin/sh`,
        `frank:x:1004:1004::${frank}:/bin/sh`,
        `grace:x:1005:1005::${grace}:/bin/sh`,
      ].join('\n') + '\n',
    );
    const group = join(dir, 'group');
    writeFileSync(group, 'team:x:4000:eve-not,grace\n');
    const report = await standingFacts({
      resource: 'prod-shell',
      ...fakeSshd([
        'authorizedkeysfile .ssh/authorized_keys',
        'authorizedprincipalsfile %h/.ssh/principals',
      ]),
      passwd,
      group,
    });
    assert.equal(report.failure, null);
    assert.deepEqual(report.principals, [{ account: 'grace', principal: 'deploy' }]);
    assert.deepEqual(
      report.keys.map((k) => [k.account, k.comment]),
      [['grace', 'grace']],
    );
  });

  void it("reads jitgate's hook folder as AuthorizedPrincipalsCommandUser, who reads it in sshd", async () => {
    // The folder is the guard's (0750 root:guard): the guard may read it, the account may not.
    const folder = join(dir, 'hook-principals');
    mkdirSync(folder, { mode: 0o750 });
    chownSync(folder, 0, 5000);
    writeFileSync(join(folder, 'heidi'), 'deploy\n');
    const passwd = join(dir, 'passwd-hook');
    writeFileSync(
      passwd,
      [`jitgate-guard:x:5000:5000::/nonexistent:/bin/false`, `heidi:x:1006:1006::${dir}:/bin/sh`]
        .join('\n')
        .concat('\n'),
    );
    const hook = (user: string) =>
      standingFacts({
        resource: 'prod-shell',
        ...fakeSshd([
          `authorizedprincipalscommand /usr/local/libexec/jitgate-sshd-hook /run/s ${folder} %u %s %k`,
          `authorizedprincipalscommanduser ${user}`,
        ]),
        passwd,
        group: join(dir, 'no-group'),
      });
    assert.deepEqual((await hook('jitgate-guard')).principals, [
      { account: 'heidi', principal: 'deploy' },
    ]);
    assert.deepEqual((await hook('%u')).principals, [], 'heidi herself cannot search the folder');
  });
});
