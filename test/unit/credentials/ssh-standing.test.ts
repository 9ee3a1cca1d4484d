/**
 * What in a target agent's report is standing SSH access: keys (and unreadable entries), CAs
 * other than jitgate's, principals only when such a CA is trusted, password and host-based
 * logins, and commands whose answers no file shows. jitgate's own CA is never a finding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sshFindings } from '../../../proxy/credentials/ssh-standing.js';
import {
  emptyStandingReport,
  type SshStandingReport,
} from '../../../proxy/shared/ssh-standing-report.js';

const JITGATE_CA = `SHA256:${'J'.repeat(43)}`;
const OTHER_CA = `SHA256:${'O'.repeat(43)}`;
const KEY = `SHA256:${'K'.repeat(43)}`;

const clean: SshStandingReport = {
  ...emptyStandingReport('prod-shell'),
  trustedCaKeys: [JITGATE_CA],
  principals: [{ account: 'deploy', principal: 'deploy' }],
};
const cas = new Set([JITGATE_CA]);
const key = (over: Partial<SshStandingReport['keys'][number]> = {}) => ({
  account: 'deploy',
  file: '/home/deploy/.ssh/authorized_keys',
  line: 1,
  type: 'ssh-ed25519',
  fingerprint: KEY,
  comment: 'ops',
  certAuthority: false,
  ...over,
});

void describe('SSH standing findings', () => {
  void it('finds nothing where only jitgate’s certificates admit', () => {
    assert.deepEqual(sshFindings(clean, cas), []);
    const ownCa = { ...clean, keys: [key({ certAuthority: true, fingerprint: JITGATE_CA })] };
    assert.deepEqual(sshFindings(ownCa, cas), []);
  });

  void it('reports keys, unreadable entries, foreign CAs and the principals they open', () => {
    const report = {
      ...clean,
      trustedCaKeys: [JITGATE_CA, OTHER_CA],
      keys: [key(), key({ line: 2, type: null, fingerprint: null, comment: '' })],
    };
    assert.deepEqual(
      sshFindings(report, cas).map((f) => [f.kind, f.principal]),
      [
        ['ssh_trusted_ca', null],
        ['ssh_authorized_key', 'deploy'],
        ['ssh_authorized_key', 'deploy'],
        ['ssh_principal', 'deploy'],
      ],
    );
    assert.match(sshFindings(report, cas)[2]?.detail ?? '', /could not read .*:2\)$/);
  });

  void it('reports password, host-based and command logins, and a failed scan alone', () => {
    const open = {
      ...clean,
      sshd: {
        ...clean.sshd,
        passwordAuthentication: true,
        hostbasedAuthentication: true,
        authorizedKeysCommand: true,
      },
    };
    assert.deepEqual(
      sshFindings(open, cas).map((f) => f.kind),
      ['ssh_password_login', 'ssh_hostbased', 'ssh_keys_command'],
    );
    assert.deepEqual(sshFindings({ ...open, failure: 'sshd -T failed' }, cas), [
      { kind: 'scan_failed', principal: null, detail: 'sshd -T failed' },
    ]);
  });
});
