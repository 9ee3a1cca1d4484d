/**
 * What counts as standing SSH access in a target agent's report (shared/ssh-standing-report.ts):
 * everything that admits to an account without a certificate of jitgate's CA.
 *
 * - `ssh_authorized_key`: a key in an account's authorized_keys (also one jitgate could not read:
 *   sshd may still accept it); a `cert-authority` key that is not jitgate's CA is such a key too.
 * - `ssh_trusted_ca`: a TrustedUserCAKeys key that is not jitgate's CA: its certificates admit.
 * - `ssh_principal`: a principal an account accepts, when a CA other than jitgate's is trusted
 *   (then a certificate of that CA naming it admits).
 * - `ssh_password_login`, `ssh_hostbased`: sshd lets passwords (or keyboard-interactive) and
 *   host-based logins in: any account with a password or a trusted host admits.
 * - `ssh_keys_command`: AuthorizedKeysCommand or a foreign AuthorizedPrincipalsCommand: what it
 *   answers admits, and no file shows it.
 */
import type { SshStandingReport } from '../shared/ssh-standing-report.js';
import type { StandingFindingRecord } from '../store/types.js';

export function sshFindings(
  report: SshStandingReport,
  jitgateCas: ReadonlySet<string>,
): StandingFindingRecord[] {
  if (report.failure !== null)
    return [{ kind: 'scan_failed', principal: null, detail: report.failure }];
  const findings: StandingFindingRecord[] = [];
  const foreignCas = report.trustedCaKeys.filter((f) => !jitgateCas.has(f));
  for (const fingerprint of foreignCas)
    findings.push({
      kind: 'ssh_trusted_ca',
      principal: null,
      detail: `TrustedUserCAKeys trusts ${fingerprint}, not jitgate's CA`,
    });
  for (const key of report.keys) {
    if (key.certAuthority && key.fingerprint && jitgateCas.has(key.fingerprint)) continue;
    const what = key.type
      ? `${key.certAuthority ? 'cert-authority ' : ''}${key.type} ${key.fingerprint ?? ''}`
      : 'an entry jitgate could not read';
    const comment = key.comment ? ` "${key.comment}"` : '';
    findings.push({
      kind: 'ssh_authorized_key',
      principal: key.account,
      detail: `${what}${comment} (${key.file}:${key.line})`,
    });
  }
  const otherCa =
    foreignCas.length > 0 ||
    report.keys.some((k) => k.certAuthority && !(k.fingerprint && jitgateCas.has(k.fingerprint)));
  if (otherCa)
    for (const p of report.principals)
      findings.push({
        kind: 'ssh_principal',
        principal: p.account,
        detail: `accepts principal "${p.principal}" from a CA that is not jitgate's`,
      });
  const sshd = report.sshd;
  if (sshd.passwordAuthentication || sshd.kbdInteractiveAuthentication)
    findings.push({
      kind: 'ssh_password_login',
      principal: null,
      detail: sshd.passwordAuthentication
        ? 'PasswordAuthentication yes'
        : 'KbdInteractiveAuthentication yes',
    });
  if (sshd.hostbasedAuthentication)
    findings.push({
      kind: 'ssh_hostbased',
      principal: null,
      detail: 'HostbasedAuthentication yes',
    });
  if (sshd.authorizedKeysCommand || sshd.authorizedPrincipalsCommand)
    findings.push({
      kind: 'ssh_keys_command',
      principal: null,
      detail: sshd.authorizedKeysCommand
        ? 'AuthorizedKeysCommand is set: the keys it answers admit'
        : 'AuthorizedPrincipalsCommand is not jitgate’s hook: the principals it answers admit',
    });
  return findings;
}
