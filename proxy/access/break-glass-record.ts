/**
 * A break-glass grant's record (why the glass was broken, and its mandatory post-hoc review) and
 * the repository contract every store backend implements. Keyed by the grant it explains.
 */

export type BreakGlassVerdict = 'justified' | 'not_justified';

export interface BreakGlassReview {
  reviewerId: string;
  verdict: BreakGlassVerdict;
  comment: string;
  at: number;
}

export interface BreakGlassRecord {
  grantId: string;
  userId: string;
  resourceId: string;
  policyId: string;
  incident: string;
  reason: string;
  createdAt: number;
  /** The review is overdue after this time. */
  reviewDueAt: number;
  /** When the overdue review was first flagged (webhook, audit), so it is flagged once. */
  overdueFlaggedAt: number | null;
  review: BreakGlassReview | null;
}

export interface BreakGlassRepository {
  insert(record: BreakGlassRecord): Promise<void>;
  get(grantId: string): Promise<BreakGlassRecord | undefined>;
  /** Every record created in [from, to), newest first. */
  listCreated(from: number, to: number): Promise<BreakGlassRecord[]>;
  /** Records not reviewed yet, oldest first. */
  listUnreviewed(): Promise<BreakGlassRecord[]>;
  /**
   * Records the review once: resolves the reviewed record, or undefined when it was already
   * reviewed (or is unknown). A single conditional UPDATE, so two reviewers cannot both win.
   */
  review(grantId: string, review: BreakGlassReview): Promise<BreakGlassRecord | undefined>;
  /**
   * Marks unreviewed records due at or before `now` as flagged overdue, each once across
   * replicas; resolves the ones this call flagged.
   */
  flagOverdue(now: number): Promise<BreakGlassRecord[]>;
}
