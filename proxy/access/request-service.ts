/**
 * The access workflow: a person asks (with a reason), policy decides or an approver does, a
 * time-boxed grant follows and ends by itself. Every change and the audit event that records it
 * commit in one serialized transaction; the grant book and listeners hear of it after commit.
 */
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { PolicyConfig } from '../config/schema.js';
import { JitgateError, badRequest, forbidden, notFound } from '../shared/errors.js';
import type { GrantRecord, Store } from '../store/types.js';
import type { Authorization } from './authorization.js';
import { GrantLedger, type GrantLedgerDeps } from './grant-ledger.js';
import { assertPending, cancel, deny, expire, grantPeriod, recordApproval } from './lifecycle.js';
import { evaluateRequest, policyById } from './policy.js';
import { cleanComment } from './comment.js';
import { priorApprovers } from './prior-approvers.js';
import { PolicyRefusal } from './refusal.js';
import type { AccessRequest } from './request-record.js';
import { requireStepUp, type Assurance } from './step-up.js';
import { subjectFromUser } from './subject.js';
import type { RequestDecision, RequestInput, Subject } from './types.js';

export interface RequestServiceDeps extends GrantLedgerDeps {
  store: Store;
  audit: AuditLog;
  policies: readonly PolicyConfig[];
  authorization: Authorization;
  now: () => number;
}

export interface Decided {
  request: AccessRequest;
  grant: GrantRecord | null;
}

const newRequestId = () => `req_${randomBytes(12).toString('base64url')}`;

export class RequestService {
  private readonly ledger: GrantLedger;

  constructor(private readonly deps: RequestServiceDeps) {
    this.ledger = new GrantLedger(deps);
  }

  async create(
    subject: Subject,
    input: RequestInput,
    assurance: Assurance,
  ): Promise<Decided & { decision: RequestDecision }> {
    const { store, audit } = this.deps;
    const now = this.deps.now();
    const decision = evaluateRequest(subject, input, this.deps.policies, now);
    const target = input.resourceId;
    if (decision.outcome === 'denied') {
      await audit.record({
        code: 'request.denied',
        actor: 'policy',
        target,
        reason: decision.reasons.join('; '),
        data: { user: subject.id },
      });
      throw new PolicyRefusal([403, 'policy_denied'], decision.reasons);
    }
    // Asked only of requests policy would take: a refusal needs no second factor to be said.
    requireStepUp('request', decision.mfa.request, assurance);
    const policy = policyById(this.deps.policies, decision.policyId);
    const request: AccessRequest = {
      id: newRequestId(),
      userId: subject.id,
      resourceId: target,
      durationMs: input.durationMs,
      reason: input.reason,
      ticket: input.ticket,
      startAt: input.startAt,
      state: 'pending',
      policyId: decision.policyId ?? null,
      approvalsRequired: decision.approvalsRequired,
      policyReasons: decision.reasons,
      createdAt: now,
      expiresAt: now + (policy?.pendingTimeout ?? 3_600_000),
      decidedAt: null,
      decidedBy: null,
      comment: null,
      grantId: null,
      approvals: [],
    };
    const result = await store.atomic(async () => {
      if (!(await store.requests.insert(request))) {
        throw new JitgateError(
          409,
          'request_pending',
          'you already have a pending request for this resource',
        );
      }
      await audit.append({
        code: 'request.created',
        actor: subject.id,
        target,
        reason: input.reason,
        data: {
          request: request.id,
          durationMs: input.durationMs,
          ticket: input.ticket,
          policy: request.policyId,
        },
      });
      if (decision.outcome !== 'auto_approved') return { request, grant: null };
      const approved: AccessRequest = {
        ...request,
        state: 'approved',
        decidedAt: now,
        decidedBy: 'policy',
      };
      const grant = await this.startGrant(approved, now, decision.windowEndsAt, 'policy');
      // Recorded as decided, or it would still read as pending (and block the next request).
      await store.requests.update({ ...approved, grantId: grant.id }, 'pending');
      await audit.append({
        code: 'request.auto_approved',
        actor: 'policy',
        target,
        data: {
          request: request.id,
          user: request.userId,
          grant: grant.id,
          policy: request.policyId,
        },
      });
      return { request: { ...approved, grantId: grant.id }, grant };
    });
    this.publish(result, 'request.created');
    return { ...result, decision };
  }

  async approve(
    approver: Subject,
    id: string,
    options: { durationMs?: number | null; comment?: string | null },
    assurance: Assurance,
  ): Promise<Decided> {
    const { store, audit } = this.deps;
    const result = await store.atomic(async () => {
      const now = this.deps.now();
      const request = await this.pendingFor(approver, id, assurance);
      if (
        options.durationMs !== undefined &&
        options.durationMs !== null &&
        options.durationMs > request.durationMs
      ) {
        throw new JitgateError(
          400,
          'invalid_duration',
          'an approver may shorten a request, not lengthen it',
        );
      }
      const approval = {
        approverId: approver.id,
        decision: 'approve' as const,
        comment: cleanComment(options.comment),
        at: now,
        durationMs: options.durationMs ?? null,
      };
      const step = recordApproval(request, approval, now);
      await store.requests.addApproval(id, approval);
      await audit.append({
        code: 'request.approval_recorded',
        actor: approver.id,
        target: request.resourceId,
        reason: approval.comment,
        data: { request: id, user: request.userId, durationMs: approval.durationMs },
      });
      if (!step.complete) {
        return { request: step.request, grant: null };
      }
      const decision = await this.reevaluate(step.request, now);
      const grant = await this.startGrant(step.request, now, decision.windowEndsAt, approver.id);
      const approved = { ...step.request, grantId: grant.id };
      if (!(await store.requests.update(approved, 'pending')))
        throw new JitgateError(409, 'request_not_pending', 'this request was answered meanwhile');
      await audit.append({
        code: 'request.approved',
        actor: approver.id,
        target: request.resourceId,
        reason: approval.comment,
        data: { request: id, user: request.userId, grant: grant.id },
      });
      return { request: approved, grant };
    });
    this.publish(result, 'request.updated');
    return result;
  }

  async deny(
    approver: Subject,
    id: string,
    comment: string | null,
    assurance: Assurance,
  ): Promise<AccessRequest> {
    const { store, audit } = this.deps;
    // The requester reads why: a denial always says it, whichever client sent it.
    const why = cleanComment(comment);
    if (why === null)
      throw badRequest('comment_required', 'say why you deny: the requester sees it');
    const denied = await store.atomic(async () => {
      const now = this.deps.now();
      const request = await this.pendingFor(approver, id, assurance);
      const approval = {
        approverId: approver.id,
        decision: 'deny' as const,
        comment: why,
        at: now,
        durationMs: null,
      };
      const next = deny(request, approval, now);
      await store.requests.addApproval(id, approval);
      if (!(await store.requests.update(next, 'pending')))
        throw new JitgateError(409, 'request_not_pending', 'this request was answered meanwhile');
      await audit.append({
        code: 'request.denied',
        actor: approver.id,
        target: request.resourceId,
        reason: why,
        data: { request: id, user: request.userId },
      });
      return next;
    });
    this.deps.events.emit({ type: 'request.updated', request: denied });
    return denied;
  }

  async cancel(subject: Subject, id: string): Promise<AccessRequest> {
    const { store, audit } = this.deps;
    const cancelled = await store.atomic(async () => {
      const request = await store.requests.get(id);
      if (!request || request.userId !== subject.id)
        throw notFound('unknown_request', 'no such request of yours');
      const next = cancel(request, subject.id, this.deps.now());
      if (!(await store.requests.update(next, 'pending')))
        throw new JitgateError(409, 'request_not_pending', 'this request was answered meanwhile');
      await audit.append({
        code: 'request.cancelled',
        actor: subject.id,
        target: request.resourceId,
        data: { request: id },
      });
      return next;
    });
    this.deps.events.emit({ type: 'request.updated', request: cancelled });
    return cancelled;
  }

  /** Expires unanswered requests past their deadline; returns how many. */
  async expireOverdue(): Promise<number> {
    const { store, audit } = this.deps;
    const overdue = await store.requests.listOverdue(this.deps.now());
    for (const request of overdue) {
      const expired = await store.atomic(async () => {
        const next = expire(request, this.deps.now());
        if (!(await store.requests.update(next, 'pending'))) return undefined;
        await audit.append({
          code: 'request.expired',
          actor: 'system',
          target: request.resourceId,
          data: { request: request.id, user: request.userId },
        });
        return next;
      });
      if (expired) this.deps.events.emit({ type: 'request.updated', request: expired });
    }
    return overdue.length;
  }

  /**
   * Loads a pending request and checks that `approver` may decide it, and last that they stepped
   * up when its policy asks (so a step-up is asked for only when the decision would go ahead).
   */
  private async pendingFor(
    approver: Subject,
    id: string,
    assurance: Assurance,
  ): Promise<AccessRequest> {
    const request = await this.deps.store.requests.get(id);
    if (!request) throw notFound('unknown_request', 'no such request');
    const policy = policyById(this.deps.policies, request.policyId);
    const requester = await this.deps.store.users.get(request.userId);
    if (!policy || !requester)
      throw forbidden('not_an_approver', 'no policy lets you decide this request');
    const check = this.deps.authorization.mayApprove(
      approver,
      subjectFromUser(requester),
      policy,
      await priorApprovers(this.deps.store.users, request),
    );
    if (!check.allowed) throw new PolicyRefusal([403, 'not_an_approver'], check.reasons);
    assertPending(request, this.deps.now());
    requireStepUp('approve', policy.mfa.approve, assurance);
    return request;
  }

  /** Policy again at approval time: windows and caps apply to when access really starts. */
  private async reevaluate(request: AccessRequest, now: number): Promise<RequestDecision> {
    const requester = await this.deps.store.users.get(request.userId);
    if (!requester) throw notFound('unknown_user', 'the requester no longer exists');
    const decision = evaluateRequest(
      subjectFromUser(requester),
      {
        resourceId: request.resourceId,
        durationMs: request.durationMs,
        reason: request.reason,
        ticket: request.ticket,
        startAt: request.startAt && request.startAt > now ? request.startAt : null,
      },
      this.deps.policies,
      now,
    );
    if (decision.outcome === 'denied') {
      throw new PolicyRefusal([409, 'policy_denied'], decision.reasons);
    }
    return decision;
  }

  /** Inside the caller's transaction: the grant of an approved request, through the ledger. */
  private startGrant(
    request: AccessRequest,
    now: number,
    windowEndsAt: number | null,
    by: string,
  ): Promise<GrantRecord> {
    const { startsAt, endsAt } = grantPeriod(request, now, windowEndsAt);
    return this.ledger.insert({
      userId: request.userId,
      resourceId: request.resourceId,
      startsAt,
      endsAt,
      reason: request.reason,
      createdBy: by,
      request: request.id,
    });
  }

  private publish(result: Decided, type: 'request.created' | 'request.updated') {
    const event = { type, request: result.request };
    if (result.grant) this.ledger.published(result.grant, event);
    else this.deps.events.emit(event);
  }
}
