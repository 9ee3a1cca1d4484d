/** SQLite implementation of SamlRepository: redeem-once by DELETE … RETURNING, insert-if-absent. */
import type { SamlRepository, SamlRequestRecord } from '../../identity/saml-record.js';
import { int, text } from './rows.js';
import type { SqlRow, SqliteDatabase } from './database.js';

function toRequest(row: SqlRow): SamlRequestRecord {
  return {
    id: text(row, 'id'),
    idp: text(row, 'idp'),
    browserHash: text(row, 'browser_hash'),
    returnTo: text(row, 'return_to'),
    expiresAt: int(row, 'expires_at'),
  };
}

export function createSamlRepository(db: SqliteDatabase): SamlRepository {
  return {
    insertRequest: async (r) => {
      db.run(
        'INSERT INTO saml_requests (id, idp, browser_hash, return_to, expires_at) VALUES (?, ?, ?, ?, ?)',
        [r.id, r.idp, r.browserHash, r.returnTo, r.expiresAt],
      );
    },
    takeRequest: async (id, idp, browserHash, now) => {
      const row = db.get(
        'DELETE FROM saml_requests WHERE id = ? AND idp = ? AND browser_hash = ? RETURNING *',
        [id, idp, browserHash],
      );
      if (!row) return undefined;
      const request = toRequest(row);
      return request.expiresAt > now ? request : undefined;
    },
    rememberAssertion: async (key, expiresAt) =>
      db.run(
        'INSERT INTO saml_assertions (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
        [key, expiresAt],
      ).changes === 1,
    purgeExpired: async (now) =>
      db.transaction(
        () =>
          db.run('DELETE FROM saml_requests WHERE expires_at <= ?', [now]).changes +
          db.run('DELETE FROM saml_assertions WHERE expires_at <= ?', [now]).changes,
      ),
  };
}
