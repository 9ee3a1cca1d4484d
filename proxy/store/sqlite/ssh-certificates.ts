/** SQLite implementation of SshCertificateRepository. */
import type {
  CertificatePurpose,
  SshCertificateRecord,
  SshCertificateRepository,
} from '../../terminal/cert-record.js';
import { int, optionalInt, optionalText, text } from './rows.js';
import type { SqlRow, SqliteDatabase } from './database.js';

function toCertificate(row: SqlRow): SshCertificateRecord {
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

export function createSshCertificateRepository(db: SqliteDatabase): SshCertificateRepository {
  return {
    insert: async (c) => {
      db.run(
        `INSERT INTO ssh_certificates (serial, grant_id, session_id, key_id, purpose, created_at,
           valid_before, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
      db.run('UPDATE ssh_certificates SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL', [
        at,
        sessionId,
      ]);
    },
    listUnexpired: async (now) =>
      db
        .all('SELECT * FROM ssh_certificates WHERE valid_before > ? ORDER BY created_at, serial', [
          now,
        ])
        .map(toCertificate),
  };
}
