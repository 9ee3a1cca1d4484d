/** PostgreSQL implementation of RequestRepository. */
import type { AccessRequest, RequestRepository } from '../../access/request-record.js';
import type { Approval, RequestState } from '../../access/types.js';
import type { PgRow, PgValue } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { announced, type Announce } from './notify.js';
import { Where } from './params.js';
import { int, optionalInt, optionalText, text } from './rows.js';

function toApproval(row: PgRow): Approval {
  return {
    approverId: text(row, 'approver_id'),
    decision: text(row, 'decision') === 'deny' ? 'deny' : 'approve',
    comment: optionalText(row, 'comment'),
    durationMs: optionalInt(row, 'duration_ms'),
    at: int(row, 'at'),
  };
}

const COLUMNS = [
  'user_id',
  'resource_id',
  'duration_ms',
  'reason',
  'ticket',
  'start_at',
  'state',
  'policy_id',
  'approvals_required',
  'policy_reasons_json',
  'created_at',
  'expires_at',
  'decided_at',
  'decided_by',
  'comment',
  'grant_id',
];

const values = (r: AccessRequest): PgValue[] => [
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

const INSERT = `INSERT INTO access_requests (${COLUMNS.join(', ')}, id)
  VALUES (${[...COLUMNS, 'id'].map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (user_id, resource_id) WHERE state = 'pending' DO NOTHING RETURNING id`;

const UPDATE = `UPDATE access_requests SET ${COLUMNS.map((c, i) => `${c} = $${i + 1}`).join(', ')}
  WHERE id = $${COLUMNS.length + 1} AND state = $${COLUMNS.length + 2} RETURNING id`;

const toRequest = (row: PgRow, approvals: Approval[]): AccessRequest => ({
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
  approvals,
});

export function createRequestRepository(db: PgDatabase, announce: Announce): RequestRepository {
  // Other replicas tell their event streams (requests and approvals reach every SSE client).
  const change = (id: string) => announce({ kind: 'request', id });
  /** Requests with their approvals, read in one more statement for all of them. */
  const withApprovals = async (rows: PgRow[]): Promise<AccessRequest[]> => {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => text(row, 'id'));
    const approvals = await db.all(
      'SELECT * FROM request_approvals WHERE request_id = ANY($1) ORDER BY at, approver_id',
      [ids],
    );
    const byRequest = new Map<string, Approval[]>(ids.map((id) => [id, []]));
    for (const row of approvals) byRequest.get(text(row, 'request_id'))?.push(toApproval(row));
    return rows.map((row) => toRequest(row, byRequest.get(text(row, 'id')) ?? []));
  };
  const one = async (sql: string, params: PgValue[]) => {
    const row = await db.get(sql, params);
    return row ? (await withApprovals([row]))[0] : undefined;
  };

  return {
    // ON CONFLICT DO NOTHING, not a caught error: inside a transaction a failed statement would
    // abort the whole transaction, and "already pending" is an answer, not a failure.
    insert: async (r) =>
      (await db.run(announced(INSERT, COLUMNS.length + 2), [...values(r), r.id, change(r.id)])) ===
      1,
    get: (id) => one('SELECT * FROM access_requests WHERE id = $1', [id]),
    update: async (r, expected) =>
      (await db.run(announced(UPDATE, COLUMNS.length + 3), [
        ...values(r),
        r.id,
        expected,
        change(r.id),
      ])) === 1,
    addApproval: async (requestId, a) => {
      await db.run(
        announced(
          `INSERT INTO request_approvals (request_id, approver_id, decision, comment,
             duration_ms, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING request_id`,
          7,
        ),
        [requestId, a.approverId, a.decision, a.comment, a.durationMs, a.at, change(requestId)],
      );
    },
    list: async (filter) => {
      const where = new Where().add('user_id = ?', filter.userId);
      if (filter.states && filter.states.length > 0)
        where.add('state = ANY(?)', [...filter.states]);
      const limit = where.params.add(Math.max(1, Math.min(filter.limit, 1000)));
      const rows = await db.all(
        `SELECT * FROM access_requests ${where.sql} ORDER BY created_at DESC, id LIMIT ${limit}`,
        where.params.values,
      );
      return withApprovals(rows);
    },
    listOverdue: async (now) =>
      withApprovals(
        await db.all(
          `SELECT * FROM access_requests WHERE state = 'pending' AND expires_at <= $1
             ORDER BY expires_at, id`,
          [now],
        ),
      ),
    findByGrant: (grantId) =>
      one('SELECT * FROM access_requests WHERE grant_id = $1 ORDER BY created_at LIMIT 1', [
        grantId,
      ]),
  };
}
