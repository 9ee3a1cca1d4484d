/** PostgreSQL implementation of SshCertificateRepository. */
import type {
  CertificatePurpose,
  SshCertificateRecord,
  SshCertificateRepository,
} from '../../terminal/cert-record.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { int, optionalInt, optionalText, text } from './rows.js';

function toCertificate(row: PgRow): SshCertificateRecord {
  return {
    serial: text(row, 'serial'),
    grantId: text(row, 'grant_id'),
    sessionId: optionalText(row, 'session_id'),
    keyId: text(row, 'key_id'),
    purpose: text(row, 'purpose') as CertificatePurpose,
    createdAt: int(row, 'created_at'),
    validBefore: int(row, 'valid_before'),
    endedAt: optionalInt(row, 'ended_at'),
  };
}

export function createSshCertificateRepository(db: PgDatabase): SshCertificateRepository {
  return {
    insert: async (c) => {
      await db.run(
        `INSERT INTO ssh_certificates (serial, grant_id, session_id, key_id, purpose, created_at,
           valid_before, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          c.serial,
          c.grantId,
          c.sessionId,
          c.keyId,
          c.purpose,
          c.createdAt,
          c.validBefore,
          c.endedAt,
        ],
      );
    },
    endForSession: async (sessionId, at) => {
      await db.run(
        'UPDATE ssh_certificates SET ended_at = $2 WHERE session_id = $1 AND ended_at IS NULL',
        [sessionId, at],
      );
    },
    listUnexpired: async (now) =>
      (
        await db.all(
          'SELECT * FROM ssh_certificates WHERE valid_before > $1 ORDER BY created_at, serial',
          [now],
        )
      ).map(toCertificate),
  };
}
