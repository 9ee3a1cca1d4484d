/**
 * Reading a host's authorized_keys as sshd would: plain keys, keys after options (quoted commas
 * and spaces included), `cert-authority`, and lines that are not keys, which are reported as
 * unreadable rather than dropped (sshd might still accept them) and never echoed.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseAuthorizedKeys } from '../../../proxy/target/authorized-keys.js';
import { ed25519Blob, fingerprint, publicKeyLine } from '../../../proxy/terminal/ssh-keys.js';

const key = generateKeyPairSync('ed25519').publicKey;
const line = publicKeyLine(key, 'ops@laptop');
const print = fingerprint(ed25519Blob(key));

void describe('authorized_keys', () => {
  void it('reads plain keys, keys after options, and cert-authority keys', () => {
    const text = [
      '# a comment',
      '',
      line,
      `from="10.0.0.1,10.0.0.2",command="echo a, b" ${line}`,
      `cert-authority,principals="deploy" ${line}`,
    ].join('\n');
    assert.deepEqual(parseAuthorizedKeys(text), [
      {
        line: 3,
        type: 'ssh-ed25519',
        fingerprint: print,
        comment: 'ops@laptop',
        certAuthority: false,
      },
      {
        line: 4,
        type: 'ssh-ed25519',
        fingerprint: print,
        comment: 'ops@laptop',
        certAuthority: false,
      },
      {
        line: 5,
        type: 'ssh-ed25519',
        fingerprint: print,
        comment: 'ops@laptop',
        certAuthority: true,
      },
    ]);
  });

  void it('reports a line it cannot read without echoing it, and cleans comments', () => {
    const [odd, escaped] = parseAuthorizedKeys(
      `root:$6$secret:19000:0:99999:7:::\n${line.replace('ops@laptop', 'x\u001b[2Jy')}`,
    );
    assert.deepEqual(odd, {
      line: 1,
      type: null,
      fingerprint: null,
      comment: '',
      certAuthority: false,
    });
    assert.equal(escaped?.comment, 'x?[2Jy');
  });
});
