/**
 * PostgreSQL implementation of BreakGlassRepository. Each stage written (a grant broken open,
 * reviewed, flagged overdue) is announced in its statement, so every replica's event streams
 * hear it (server/replica-wiring.ts).
 */
import type {
  BreakGlassRecord,
  BreakGlassRepository,
  BreakGlassVerdict,
} from '../../access/break-glass-record.js';
import type { PgRow } from '../../shared/pg-driver.js';
import type { PgDatabase } from './database.js';
import { announced, announcedEach, announcePrefix, type Announce } from './notify.js';
import { int, optionalInt, optionalText, text } from './rows.js';

function toRecord(row: PgRow): BreakGlassRecord {
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

export function createBreakGlassRepository(
  db: PgDatabase,
  announce: Announce,
): BreakGlassRepository {
  return {
    insert: async (r) => {
      await db.run(
        announced(
          `INSERT INTO break_glass (grant_id, user_id, resource_id, policy_id, incident, reason,
             created_at, review_due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING grant_id`,
          9,
        ),
        [
          r.grantId,
          r.userId,
          r.resourceId,
          r.policyId,
          r.incident,
          r.reason,
          r.createdAt,
          r.reviewDueAt,
          announce({ kind: 'break_glass', id: r.grantId, stage: 'started' }),
        ],
      );
    },
    get: async (grantId) => {
      const row = await db.get('SELECT * FROM break_glass WHERE grant_id = $1', [grantId]);
      return row ? toRecord(row) : undefined;
    },
    listCreated: async (from, to) =>
      (
        await db.all(
          `SELECT * FROM break_glass WHERE created_at >= $1 AND created_at < $2
             ORDER BY created_at DESC, grant_id`,
          [from, to],
        )
      ).map(toRecord),
    listUnreviewed: async () =>
      (
        await db.all(
          'SELECT * FROM break_glass WHERE reviewed_at IS NULL ORDER BY review_due_at, grant_id',
        )
      ).map(toRecord),
    review: async (grantId, review) => {
      const row = await db.get(
        announced(
          `UPDATE break_glass SET reviewer_id = $2, verdict = $3, review_comment = $4,
             reviewed_at = $5 WHERE grant_id = $1 AND reviewed_at IS NULL RETURNING *`,
          6,
        ),
        [
          grantId,
          review.reviewerId,
          review.verdict,
          review.comment,
          review.at,
          announce({ kind: 'break_glass', id: grantId, stage: 'reviewed' }),
        ],
      );
      return row ? toRecord(row) : undefined;
    },
    flagOverdue: async (now) =>
      (
        await db.all(
          announcedEach(
            `UPDATE break_glass SET overdue_flagged_at = $1
               WHERE reviewed_at IS NULL AND overdue_flagged_at IS NULL AND review_due_at <= $1
               RETURNING *`,
            2,
            'grant_id',
          ),
          [now, announcePrefix(announce, { kind: 'break_glass', id: '', stage: 'overdue' })],
        )
      ).map(toRecord),
  };
}
