/** An access request as stored, and the repository contract every store backend implements. */
import type { Approval, RequestState } from './types.js';

export interface AccessRequest {
  id: string;
  userId: string;
  resourceId: string;
  durationMs: number;
  reason: string | null;
  ticket: string | null;
  /** Scheduled start (epoch ms), or null for "as soon as approved". */
  startAt: number | null;
  state: RequestState;
  policyId: string | null;
  approvalsRequired: number;
  /** The policy's reasons at creation, shown to approvers. */
  policyReasons: string[];
  createdAt: number;
  /** An unanswered request expires at this time. */
  expiresAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  comment: string | null;
  grantId: string | null;
  approvals: Approval[];
}

export interface RequestListFilter {
  userId?: string;
  states?: readonly RequestState[];
  limit: number;
}

export interface RequestRepository {
  /** Inserts a pending request; resolves false when the person already has one for the resource. */
  insert(request: AccessRequest): Promise<boolean>;
  get(id: string): Promise<AccessRequest | undefined>;
  /** Writes `request` only if the stored state is still `expected`; resolves whether it did. */
  update(request: AccessRequest, expected: RequestState): Promise<boolean>;
  addApproval(requestId: string, approval: Approval): Promise<void>;
  list(filter: RequestListFilter): Promise<AccessRequest[]>;
  /** Pending requests whose deadline has passed. */
  listOverdue(now: number): Promise<AccessRequest[]>;
  findByGrant(grantId: string): Promise<AccessRequest | undefined>;
}
