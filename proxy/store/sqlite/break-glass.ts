/** SQLite implementation of BreakGlassRepository. */
import type {
  BreakGlassRecord,
  BreakGlassRepository,
  BreakGlassVerdict,
} from '../../access/break-glass-record.js';
import type { SqlRow, SqliteDatabase } from './database.js';
import { int, optionalInt, optionalText, text } from './rows.js';

function toRecord(row: SqlRow): BreakGlassRecord {
  const reviewedAt = optionalInt(row, 'reviewed_at');
  return {
    grantId: text(row, 'grant_id'),
    userId: text(row, 'user_id'),
    resourceId: text(row, 'resource_id'),
    policyId: text(row, 'policy_id'),
    incident: text(row, 'incident'),
    reason: text(row, 'reason'),
    createdAt: int(row, 'created_at'),
    reviewDueAt: int(row, 'review_due_at'),
    overdueFlaggedAt: optionalInt(row, 'overdue_flagged_at'),
    review:
      reviewedAt === null
        ? null
        : {
            reviewerId: text(row, 'reviewer_id'),
            verdict: text(row, 'verdict') as BreakGlassVerdict,
            comment: optionalText(row, 'review_comment') ?? '',
            at: reviewedAt,
          },
  };
}

export function createBreakGlassRepository(db: SqliteDatabase): BreakGlassRepository {
  return {
    insert: async (r) => {
      db.run(
        `INSERT INTO break_glass (grant_id, user_id, resource_id, policy_id, incident, reason,
           created_at, review_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          r.grantId,
          r.userId,
          r.resourceId,
          r.policyId,
          r.incident,
          r.reason,
          r.createdAt,
          r.reviewDueAt,
        ],
      );
    },
    get: async (grantId) => {
      const row = db.get('SELECT * FROM break_glass WHERE grant_id = ?', [grantId]);
      return row ? toRecord(row) : undefined;
    },
    listCreated: async (from, to) =>
      db
        .all(
          `SELECT * FROM break_glass WHERE created_at >= ? AND created_at < ?
             ORDER BY created_at DESC, grant_id`,
          [from, to],
        )
        .map(toRecord),
    listUnreviewed: async () =>
      db
        .all('SELECT * FROM break_glass WHERE reviewed_at IS NULL ORDER BY review_due_at, grant_id')
        .map(toRecord),
    review: async (grantId, review) => {
      const row = db.get(
        `UPDATE break_glass SET reviewer_id = ?, verdict = ?, review_comment = ?, reviewed_at = ?
           WHERE grant_id = ? AND reviewed_at IS NULL RETURNING *`,
        [review.reviewerId, review.verdict, review.comment, review.at, grantId],
      );
      return row ? toRecord(row) : undefined;
    },
    flagOverdue: async (now) =>
      db
        .all(
          `UPDATE break_glass SET overdue_flagged_at = ?
             WHERE reviewed_at IS NULL AND overdue_flagged_at IS NULL AND review_due_at <= ?
             RETURNING *`,
          [now, now],
        )
        .map(toRecord),
  };
}
