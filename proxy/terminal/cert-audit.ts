/**
 * What jitgate says about an SSH certificate it mints, whichever way it leaves: the relay's (a
 * terminal session, web or `jitgate ssh`) and a direct one (`jitgate ssh-cert`, `jitgate exec`).
 * One key id and one audit shape, so sshd's log and the audit log read the same for both.
 */
import type { UserCertificate } from './ssh-cert.js';

/** `<user id>/<grant id>`: sshd logs it with every login. The user id, not a name two IdPs share. */
export const certificateKeyId = (userId: string, grantId: string) => `${userId}/${grantId}`;

/** The data of its `credential.minted` event (`session` only for the relay's). */
export function mintedCertificateData(
  cert: UserCertificate,
  context: { grant: string; login: string; session?: string },
) {
  return {
    kind: 'ssh-certificate',
    grant: context.grant,
    login: context.login,
    ...(context.session !== undefined ? { session: context.session } : {}),
    serial: cert.serial.toString(),
    keyId: cert.keyId,
    principals: [...cert.principals],
    validBefore: new Date(cert.validBefore).toISOString(),
    key: cert.keyFingerprint,
    ca: cert.caFingerprint,
  };
}
