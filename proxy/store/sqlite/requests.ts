/** SQLite implementation of RequestRepository. */
import type { AccessRequest, RequestRepository } from '../../access/request-record.js';
import type { Approval, RequestState } from '../../access/types.js';
import type { SqlRow, SqliteDatabase, SqlValue } from './database.js';
import { int, optionalInt, optionalText, text } from './rows.js';

function toApproval(row: SqlRow): Approval {
  return {
    approverId: text(row, 'approver_id'),
    decision: text(row, 'decision') === 'deny' ? 'deny' : 'approve',
    comment: optionalText(row, 'comment'),
    durationMs: optionalInt(row, 'duration_ms'),
    at: int(row, 'at'),
  };
}

const COLUMNS = `user_id, resource_id, duration_ms, reason, ticket, start_at, state, policy_id,
  approvals_required, policy_reasons_json, created_at, expires_at, decided_at, decided_by, comment, grant_id`;

const values = (r: AccessRequest): SqlValue[] => [
  r.userId,
  r.resourceId,
  r.durationMs,
  r.reason,
  r.ticket,
  r.startAt,
  r.state,
  r.policyId,
  r.approvalsRequired,
  JSON.stringify(r.policyReasons),
  r.createdAt,
  r.expiresAt,
  r.decidedAt,
  r.decidedBy,
  r.comment,
  r.grantId,
];

export function createRequestRepository(db: SqliteDatabase): RequestRepository {
  const approvalsOf = (id: string) =>
    db
      .all('SELECT * FROM request_approvals WHERE request_id = ? ORDER BY at', [id])
      .map(toApproval);
  const toRequest = (row: SqlRow): AccessRequest => ({
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    resourceId: text(row, 'resource_id'),
    durationMs: int(row, 'duration_ms'),
    reason: optionalText(row, 'reason'),
    ticket: optionalText(row, 'ticket'),
    startAt: optionalInt(row, 'start_at'),
    state: text(row, 'state') as RequestState,
    policyId: optionalText(row, 'policy_id'),
    approvalsRequired: int(row, 'approvals_required'),
    policyReasons: JSON.parse(text(row, 'policy_reasons_json')) as string[],
    createdAt: int(row, 'created_at'),
    expiresAt: int(row, 'expires_at'),
    decidedAt: optionalInt(row, 'decided_at'),
    decidedBy: optionalText(row, 'decided_by'),
    comment: optionalText(row, 'comment'),
    grantId: optionalText(row, 'grant_id'),
    approvals: approvalsOf(text(row, 'id')),
  });

  return {
    insert: async (r) => {
      try {
        db.run(`INSERT INTO access_requests (id, ${COLUMNS}) VALUES (?, ${'?, '.repeat(15)}?)`, [
          r.id,
          ...values(r),
        ]);
        return true;
      } catch (error) {
        if (String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE'))
          return false;
        throw error;
      }
    },
    get: async (id) => {
      const row = db.get('SELECT * FROM access_requests WHERE id = ?', [id]);
      return row ? toRequest(row) : undefined;
    },
    update: async (r, expected) => {
      const assignments = COLUMNS.split(',')
        .map((c) => `${c.trim()} = ?`)
        .join(', ');
      const result = db.run(
        `UPDATE access_requests SET ${assignments} WHERE id = ? AND state = ?`,
        [...values(r), r.id, expected],
      );
      return result.changes === 1;
    },
    addApproval: async (requestId, a) => {
      db.run(
        `INSERT INTO request_approvals (request_id, approver_id, decision, comment, duration_ms, at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [requestId, a.approverId, a.decision, a.comment, a.durationMs, a.at],
      );
    },
    list: async (filter) => {
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (filter.userId !== undefined) {
        where.push('user_id = ?');
        params.push(filter.userId);
      }
      if (filter.states && filter.states.length > 0) {
        where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
        params.push(...filter.states);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const limit = Math.max(1, Math.min(filter.limit, 1000));
      return db
        .all(
          `SELECT * FROM access_requests ${clause} ORDER BY created_at DESC LIMIT ${limit}`,
          params,
        )
        .map(toRequest);
    },
    listOverdue: async (now) =>
      db
        .all(`SELECT * FROM access_requests WHERE state = 'pending' AND expires_at <= ?`, [now])
        .map(toRequest),
    findByGrant: async (grantId) => {
      const row = db.get('SELECT * FROM access_requests WHERE grant_id = ?', [grantId]);
      return row ? toRequest(row) : undefined;
    },
  };
}
