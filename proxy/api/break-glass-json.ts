/** The JSON shape of a break-glass grant's record and review (docs/api.md), REST and stream. */
import type { BreakGlassRecord } from '../access/break-glass-record.js';
import { isReviewOverdue } from '../access/break-glass.js';
import type { UserRecord } from '../store/types.js';
import { personJson } from './json.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function breakGlassJson(
  record: BreakGlassRecord,
  person: UserRecord | undefined,
  now: number,
) {
  return {
    grant: record.grantId,
    user: record.userId,
    person: personJson(person),
    resource: record.resourceId,
    policy: record.policyId,
    incident: record.incident,
    reason: record.reason,
    createdAt: iso(record.createdAt),
    reviewDueAt: iso(record.reviewDueAt),
    overdue: isReviewOverdue(record, now),
    review: record.review && {
      reviewer: record.review.reviewerId,
      verdict: record.review.verdict,
      comment: record.review.comment,
      at: iso(record.review.at),
    },
  };
}
