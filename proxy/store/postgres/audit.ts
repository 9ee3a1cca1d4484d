/** PostgreSQL implementation of AuditRepository. */
import type { AuditCode } from '../../audit/codes.js';
import type { AuditEvent, AuditRepository, JsonValue } from '../../audit/types.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { Where } from './params.js';
import { int, optionalText, text } from './rows.js';

/**
 * `data.user` of an event. data_json is TEXT, the exact text that was hashed, and may hold a NUL
 * that JSON.stringify wrote as \u0000, which PostgreSQL's JSON types refuse: that escape is read
 * as U+FFFD first (six characters for six, so the text stays valid JSON).
 */
const DATA_USER = String.raw`(replace(data_json, '\u0000', '\ufffd')::jsonb ->> 'user')`;

/**
 * Rows are read back as stored, without validation: verify must see exactly what is in the
 * table, tampering included, and judge it by the hash.
 */
function toAuditEvent(row: PgRow): AuditEvent {
  let data: Record<string, JsonValue>;
  try {
    data = JSON.parse(text(row, 'data_json')) as Record<string, JsonValue>;
  } catch {
    // Unparseable data cannot match its hash; keep the raw text so the verifier reports "edited".
    data = { unparseable: text(row, 'data_json') };
  }
  return {
    seq: int(row, 'seq'),
    time: int(row, 'time'),
    code: text(row, 'code') as AuditCode,
    actor: text(row, 'actor'),
    target: optionalText(row, 'target'),
    reason: optionalText(row, 'reason'),
    data,
    prevHash: text(row, 'prev_hash'),
    hash: text(row, 'hash'),
  };
}

/**
 * Appends are serialized by Store.atomic's lock (every replica's), so `last` inside atomic is
 * the true last event; the seq primary key fails a caller that appends outside atomic.
 */
export function createAuditRepository(db: PgDatabase): AuditRepository {
  return {
    last: async () => {
      const row = await db.get('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1');
      return row ? toAuditEvent(row) : undefined;
    },
    insert: async (e) => {
      await db.run(
        `INSERT INTO audit_events (seq, time, code, actor, target, reason, data_json, prev_hash,
           hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          e.seq,
          e.time,
          e.code,
          e.actor,
          e.target,
          e.reason,
          JSON.stringify(e.data),
          e.prevHash,
          e.hash,
        ],
      );
    },
    list: async (f) => {
      const where = new Where()
        .add('code = ?', f.code)
        .add('actor = ?', f.actor)
        .add(`(actor = ? OR ${DATA_USER} = ?)`, f.person, f.person)
        .add('target = ?', f.target)
        .add('time >= ?', f.from)
        .add('time < ?', f.to)
        .add('seq > ?', f.afterSeq)
        .add('seq < ?', f.beforeSeq);
      const limit = where.params.add(f.limit);
      const rows = await db.all(
        `SELECT * FROM audit_events ${where.sql}
           ORDER BY seq ${f.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ${limit}`,
        where.params.values,
      );
      return rows.map(toAuditEvent);
    },
    scan: async (fromSeq, limit) =>
      (
        await db.all('SELECT * FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2', [
          fromSeq,
          limit,
        ])
      ).map(toAuditEvent),
  };
}
