/**
 * PostgreSQL implementation of SamlRepository. Every method is one statement, so replicas agree
 * without a transaction: a request is taken by DELETE … RETURNING (of two replicas, one gets the
 * row), an assertion is remembered by INSERT … ON CONFLICT DO NOTHING (the second insert waits
 * for the first and then inserts nothing).
 */
import type { SamlRepository, SamlRequestRecord } from '../../identity/saml-record.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { int, text } from './rows.js';

function toRequest(row: PgRow): SamlRequestRecord {
  return {
    id: text(row, 'id'),
    idp: text(row, 'idp'),
    browserHash: text(row, 'browser_hash'),
    returnTo: text(row, 'return_to'),
    expiresAt: int(row, 'expires_at'),
  };
}

export function createSamlRepository(db: PgDatabase): SamlRepository {
  return {
    insertRequest: async (r) => {
      await db.run(
        `INSERT INTO saml_requests (id, idp, browser_hash, return_to, expires_at)
           VALUES ($1, $2, $3, $4, $5)`,
        [r.id, r.idp, r.browserHash, r.returnTo, r.expiresAt],
      );
    },
    // An expired request is deleted too: it can never be answered, so it is used up all the same.
    takeRequest: async (id, idp, browserHash, now) => {
      const row = await db.get(
        'DELETE FROM saml_requests WHERE id = $1 AND idp = $2 AND browser_hash = $3 RETURNING *',
        [id, idp, browserHash],
      );
      if (!row) return undefined;
      const request = toRequest(row);
      return request.expiresAt > now ? request : undefined;
    },
    rememberAssertion: async (key, expiresAt) =>
      (await db.run(
        'INSERT INTO saml_assertions (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
        [key, expiresAt],
      )) === 1,
    purgeExpired: async (now) => {
      const row = await db.get(
        `WITH requests AS (DELETE FROM saml_requests WHERE expires_at <= $1 RETURNING 1),
              assertions AS (DELETE FROM saml_assertions WHERE expires_at <= $1 RETURNING 1)
         SELECT (SELECT count(*) FROM requests) + (SELECT count(*) FROM assertions) AS n`,
        [now],
      );
      return row ? int(row, 'n') : 0;
    },
  };
}
