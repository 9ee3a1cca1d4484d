/**
 * The break-glass workflow: a named person grants themselves short emergency access (no
 * approver), loudly — its own audit event, an access event for webhooks and approvers — and an
 * approver reviews it afterwards, on time or flagged overdue. The rules are in break-glass.ts;
 * here they are applied, and each change commits with its audit event or not at all.
 */
import type { AuditLog } from '../audit/audit-log.js';
import { JitgateError, badRequest, forbidden, notFound } from '../shared/errors.js';
import type { GrantRecord } from '../store/types.js';
import { grantState } from './access-state.js';
import type { Authorization } from './authorization.js';
import {
  BreakGlassRefused,
  checkBreakGlass,
  isReviewOverdue,
  reviewDueAt,
  type BreakGlassInput,
} from './break-glass.js';
import type { BreakGlassRecord, BreakGlassVerdict } from './break-glass-record.js';
import { cleanComment } from './comment.js';
import { GrantLedger, type GrantLedgerDeps } from './grant-ledger.js';
import type { Assurance } from './step-up.js';
import { subjectFromUser } from './subject.js';
import type { Subject } from './types.js';

export interface BreakGlassServiceDeps extends GrantLedgerDeps {
  audit: AuditLog;
  authorization: Pick<Authorization, 'breakGlassPolicies' | 'reviewBreakGlass'>;
}

export interface BrokenGlass {
  grant: GrantRecord;
  record: BreakGlassRecord;
}

export class BreakGlassService {
  private readonly ledger: GrantLedger;

  constructor(private readonly deps: BreakGlassServiceDeps) {
    this.ledger = new GrantLedger(deps);
  }

  async breakGlass(
    subject: Subject,
    input: BreakGlassInput,
    assurance: Assurance,
  ): Promise<BrokenGlass> {
    const { store, audit, authorization } = this.deps;
    let checked: ReturnType<typeof checkBreakGlass>;
    try {
      const allowing = authorization.breakGlassPolicies(subject, input.resourceId);
      checked = checkBreakGlass(subject, input, allowing, assurance);
    } catch (error) {
      // Every refused emergency is on the record; a missing step-up is only a prompt.
      if (error instanceof BreakGlassRefused)
        await audit.record({
          code: 'break_glass.refused',
          actor: subject.id,
          target: input.resourceId,
          reason: error.message,
          data: { code: error.code, incident: input.incident, durationMs: input.durationMs },
        });
      throw error;
    }
    const { policy, incident, reason } = checked;
    const now = this.deps.now();
    const { grant, record } = await store.atomic(async () => {
      // Inside the transaction (serialized with every replica's), so twenty at once make one.
      await this.refuseWhileBroken(subject, input.resourceId, now);
      // The grant and its grant.started event, through the one path every grant starts by.
      const grant = await this.ledger.insert({
        userId: subject.id,
        resourceId: input.resourceId,
        startsAt: now,
        endsAt: now + input.durationMs,
        reason,
        createdBy: subject.id,
        breakGlass: true,
      });
      const record: BreakGlassRecord = {
        grantId: grant.id,
        userId: subject.id,
        resourceId: input.resourceId,
        policyId: policy.id,
        incident,
        reason,
        createdAt: now,
        reviewDueAt: reviewDueAt(policy, now),
        overdueFlaggedAt: null,
        review: null,
      };
      await store.breakGlass.insert(record);
      await audit.append({
        code: 'grant.break_glass',
        actor: subject.id,
        target: grant.resourceId,
        reason,
        data: {
          grant: grant.id,
          incident,
          policy: policy.id,
          endsAt: grant.endsAt,
          reviewDueAt: record.reviewDueAt,
        },
      });
      return { grant, record };
    });
    this.ledger.published(grant, { type: 'break_glass', stage: 'started', record });
    return { grant, record };
  }

  /** One emergency at a time per person and resource: the first has to end (or be released). */
  private async refuseWhileBroken(subject: Subject, resourceId: string, now: number) {
    const theirs = await this.deps.store.grants.listForUser(subject.id, { now, recent: 0 });
    const live = theirs.find(
      (grant) =>
        grant.breakGlass === true &&
        grant.resourceId === resourceId &&
        grantState(grant, now).state === 'active',
    );
    if (live)
      throw new JitgateError(
        409,
        'break_glass_live',
        `you already hold emergency access to ${resourceId} until ${new Date(live.endsAt).toISOString()} (grant ${live.id}); release it to break the glass again`,
      );
  }

  async review(
    reviewer: Subject,
    grantId: string,
    verdict: BreakGlassVerdict,
    comment: string,
  ): Promise<BreakGlassRecord> {
    const { store, audit } = this.deps;
    const said = cleanComment(comment);
    if (said === null) throw badRequest('invalid_body', 'a review needs a comment');
    const record = await store.breakGlass.get(grantId);
    if (!record) throw notFound('unknown_grant', `no break-glass grant "${grantId}"`);
    const person = await store.users.get(record.userId);
    if (!person) throw notFound('unknown_user', 'the person no longer exists');
    const may = this.deps.authorization.reviewBreakGlass(
      reviewer,
      subjectFromUser(person),
      record.policyId,
    );
    if (!may.allowed) throw forbidden('not_a_reviewer', may.reasons.join('; '));
    const reviewed = await store.atomic(async () => {
      const at = this.deps.now();
      const done = await store.breakGlass.review(grantId, {
        reviewerId: reviewer.id,
        verdict,
        comment: said,
        at,
      });
      if (!done) throw new JitgateError(409, 'already_reviewed', 'this grant was reviewed already');
      await audit.append({
        code: 'break_glass.reviewed',
        actor: reviewer.id,
        target: record.resourceId,
        reason: said,
        data: { grant: grantId, user: record.userId, verdict, incident: record.incident },
      });
      return done;
    });
    this.deps.events.emit({ type: 'break_glass', stage: 'reviewed', record: reviewed });
    return reviewed;
  }

  /** Break-glass grants waiting for `reviewer`'s review (never their own), oldest due first. */
  async toReview(reviewer: Subject): Promise<BreakGlassRecord[]> {
    const waiting = await this.deps.store.breakGlass.listUnreviewed();
    const mine: BreakGlassRecord[] = [];
    for (const record of waiting) {
      const person = await this.deps.store.users.get(record.userId);
      const may =
        person !== undefined &&
        this.deps.authorization.reviewBreakGlass(reviewer, subjectFromUser(person), record.policyId)
          .allowed;
      if (may) mine.push(record);
    }
    return mine;
  }

  /** Unreviewed break-glass grants whose review is overdue now (for metrics and the portal). */
  async overdue(): Promise<BreakGlassRecord[]> {
    const now = this.deps.now();
    return (await this.deps.store.breakGlass.listUnreviewed()).filter((r) =>
      isReviewOverdue(r, now),
    );
  }

  /**
   * Flags reviews that became overdue (each once, whichever replica gets there first): audited
   * and announced, so webhooks carry it. Resolves the ones flagged now.
   */
  async flagOverdue(): Promise<BreakGlassRecord[]> {
    const { store, audit } = this.deps;
    const flagged = await store.atomic(async () => {
      const now = this.deps.now();
      const records = await store.breakGlass.flagOverdue(now);
      for (const record of records)
        await audit.append({
          code: 'break_glass.review_overdue',
          actor: 'system',
          target: record.resourceId,
          data: { grant: record.grantId, user: record.userId, reviewDueAt: record.reviewDueAt },
        });
      return records;
    });
    for (const record of flagged)
      this.deps.events.emit({ type: 'break_glass', stage: 'overdue', record });
    return flagged;
  }
}
