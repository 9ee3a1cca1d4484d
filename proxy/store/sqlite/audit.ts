/** SQLite implementation of AuditRepository. */
import type { AuditCode } from '../../audit/codes.js';
import type { AuditEvent, AuditRepository, JsonValue } from '../../audit/types.js';
import { int, optionalText, text } from './rows.js';
import type { SqlRow, SqlValue, SqliteDatabase } from './database.js';

/**
 * Rows are read back as stored, without validation: verify must see exactly what is on disk,
 * tampering included, and judge it by the hash.
 */
export function toAuditEvent(row: SqlRow): AuditEvent {
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

export function createAuditRepository(db: SqliteDatabase): AuditRepository {
  return {
    last: async () => {
      const row = db.get('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1');
      return row ? toAuditEvent(row) : undefined;
    },
    insert: async (e) => {
      db.run(
        `INSERT INTO audit_events (seq, time, code, actor, target, reason, data_json, prev_hash,
           hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      const where: string[] = [];
      const params: SqlValue[] = [];
      const add = (clause: string, value: SqlValue | undefined) => {
        if (value === undefined) return;
        where.push(clause);
        params.push(value);
      };
      add('code = ?', f.code);
      add('actor = ?', f.actor);
      if (f.person !== undefined) {
        where.push(`(actor = ? OR json_extract(data_json, '$.user') = ?)`);
        params.push(f.person, f.person);
      }
      add('target = ?', f.target);
      add('time >= ?', f.from);
      add('time < ?', f.to);
      add('seq > ?', f.afterSeq);
      add('seq < ?', f.beforeSeq);
      const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY seq ${f.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ?`;
      return db.all(sql, [...params, f.limit]).map(toAuditEvent);
    },
    scan: async (fromSeq, limit) =>
      db
        .all('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq LIMIT ?', [fromSeq, limit])
        .map(toAuditEvent),
  };
}
