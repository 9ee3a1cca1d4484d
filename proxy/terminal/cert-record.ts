/**
 * The SSH user certificates jitgate issued, as the store keeps them: what the revocation list
 * (revocation-list.ts) is made from. Serials and times only — a certificate is public, its key
 * never leaves the holder (or, for the relay, jitgate's memory). Every store backend implements
 * SshCertificateRepository.
 */
export type CertificatePurpose = 'relay' | 'direct';

export interface SshCertificateRecord {
  /** The certificate's serial, in decimal (a uint64). */
  serial: string;
  grantId: string;
  /** The relay session it was minted for; null for a certificate handed to its holder. */
  sessionId: string | null;
  keyId: string;
  purpose: CertificatePurpose;
  createdAt: number;
  /** Its valid-before (epoch ms): after that sshd refuses it by itself. */
  validBefore: number;
  /** When it was ended before its grant (its relay session ended), else null. */
  endedAt: number | null;
}

export interface SshCertificateRepository {
  insert(record: SshCertificateRecord): Promise<void>;
  /** Ends the certificate of a relay session (once; later calls change nothing). */
  endForSession(sessionId: string, at: number): Promise<void>;
  /** Certificates whose valid-before is after `now`, oldest first. */
  listUnexpired(now: number): Promise<SshCertificateRecord[]>;
}
