// Whether sshd's settings may differ per account: a Match block in the file or any file its
// Include lines name (globs, nested); a file that cannot be read counts as having one.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sshdConfigHasMatch } from '../../../proxy/target/sshd-includes.js';

const dir = mkdtempSync(join(tmpdir(), 'jitgate-sshd-includes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
};

void describe('sshdConfigHasMatch', () => {
  it('no Match anywhere, with an Include of a glob that matches nothing: no', () => {
    const main = file('plain', ['PasswordAuthentication no', `Include ${dir}/none.d/*.conf`]);
    assert.equal(sshdConfigHasMatch(main), false);
  });

  it('a Match block two Includes down, through a glob: yes', () => {
    mkdirSync(join(dir, 'conf.d'));
    file('conf.d/10-a.conf', ['UsePAM yes']);
    file('conf.d/20-b.conf', [`Include ${dir}/deeper`]);
    file('deeper', ['  match group admins', '    PasswordAuthentication yes']);
    const main = file('nested', [`Include ${dir}/conf.d/*.conf`]);
    assert.equal(sshdConfigHasMatch(main), true);
  });

  it('a file it cannot read, or an Include of itself, does not hide one', () => {
    assert.equal(sshdConfigHasMatch(join(dir, 'missing')), true);
    const loop = file('loop', [`Include ${dir}/loop`, 'X11Forwarding no']);
    assert.equal(sshdConfigHasMatch(loop), false);
  });
});
