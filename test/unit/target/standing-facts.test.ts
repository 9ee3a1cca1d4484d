/**
 * What the target agent reads on its host is hostile: when `sshd -T` fails it can trust nothing
 * it would read next and reports only the failure; and a file a local account controls (its
 * authorized_keys, its principals file) may be a FIFO, whose plain open waits for a writer
 * forever. The agent runs the revocation sweep in the same process, so such a wait would keep a
 * revoked certificate's session open: a file that is not a regular file is skipped, as sshd does.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { emptyStandingReport } from '../../../proxy/shared/ssh-standing-report.js';
import { standingFacts } from '../../../proxy/target/standing-facts.js';
import { ed25519Blob, fingerprint, publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-standing-facts-'));
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
    });
    assert.equal(report.failure, null);
    assert.deepEqual(
      report.keys.map((k) => [k.account, k.fingerprint]),
      [['alice', fingerprint(ed25519Blob(key))]],
    );
    assert.deepEqual(report.principals, [{ account: 'alice', principal: 'deploy' }]);
  });
});
