/** Read-side questions about requests: mine, and the ones waiting for me to decide. */
import { RECENT_HISTORY, requestState } from './access-state.js';
import { policyById } from './policy.js';
import { priorApprovers } from './prior-approvers.js';
import type { RequestServiceDeps } from './request-service.js';
import type { AccessRequest } from './request-record.js';
import { subjectFromUser } from './subject.js';
import type { Subject } from './types.js';

export class RequestQueries {
  constructor(
    private readonly deps: Pick<RequestServiceDeps, 'store' | 'policies' | 'authorization' | 'now'>,
  ) {}

  /** Pending requests `approver` may decide (never their own). */
  async approvable(approver: Subject): Promise<AccessRequest[]> {
    const pending = await this.deps.store.requests.list({ states: ['pending'], limit: 500 });
    const now = this.deps.now();
    const mine: AccessRequest[] = [];
    for (const request of pending) {
      const policy = policyById(this.deps.policies, request.policyId);
      const requester = await this.deps.store.users.get(request.userId);
      if (!policy || !requester || requestState(request, now) !== 'pending') continue;
      const may = this.deps.authorization.mayApprove(
        approver,
        subjectFromUser(requester),
        policy,
        await priorApprovers(this.deps.store.users, request),
      );
      if (may.allowed) mine.push(request);
    }
    return mine;
  }

  /** Their RECENT_HISTORY newest requests. */
  listMine(userId: string): Promise<AccessRequest[]> {
    return this.deps.store.requests.list({ userId, limit: RECENT_HISTORY });
  }
}
