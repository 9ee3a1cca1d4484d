/** Webhook messages for break-glass grants: loud when the glass breaks, and when a review is late. */
import type { BreakGlassRecord } from '../access/break-glass-record.js';
import type { BreakGlassStage } from '../access/events.js';
import { slackText } from './slack-text.js';
import type { WebhookMessage } from './webhook-message.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function breakGlassMessage(
  stage: BreakGlassStage,
  record: BreakGlassRecord,
  nameOf: (userId: string) => string,
): WebhookMessage {
  const who = nameOf(record.userId);
  const data = {
    breakGlass: {
      grant: record.grantId,
      user: record.userId,
      resource: record.resourceId,
      policy: record.policyId,
      incident: record.incident,
      reason: record.reason,
      createdAt: iso(record.createdAt),
      reviewDueAt: iso(record.reviewDueAt),
      review: record.review && {
        reviewer: record.review.reviewerId,
        verdict: record.review.verdict,
        comment: record.review.comment,
        at: iso(record.review.at),
      },
    },
  };
  if (stage === 'started')
    return {
      type: 'break_glass.started',
      text: slackText`BREAK-GLASS: ${who} granted themselves ${record.resourceId} for incident ${record.incident}: ${record.reason} (review due ${iso(record.reviewDueAt)})`,
      data,
    };
  if (stage === 'reviewed') {
    const review = record.review;
    const verdict = review?.verdict === 'justified' ? 'justified' : 'NOT justified';
    const by = review ? nameOf(review.reviewerId) : 'someone';
    return {
      type: 'break_glass.reviewed',
      text: slackText`${by} reviewed ${who}'s break-glass access to ${record.resourceId} (${record.incident}): ${verdict}`,
      data,
    };
  }
  return {
    type: 'break_glass.review_overdue',
    text: slackText`OVERDUE: nobody has reviewed ${who}'s break-glass access to ${record.resourceId} (${record.incident}), due ${iso(record.reviewDueAt)}`,
    data,
  };
}
