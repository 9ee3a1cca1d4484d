/** Read-side questions about requests: mine, and the ones waiting for me to decide. */
import type { RequestServiceDeps } from './request-service.js';
import { canApprove } from './policy.js';
import type { AccessRequest } from './request-record.js';
import { subjectFromUser } from './subject.js';
import type { Subject } from './types.js';

export class RequestQueries {
  constructor(private readonly deps: Pick<RequestServiceDeps, 'store' | 'policies' | 'now'>) {}

  /** Pending requests `approver` may decide (never their own). */
  async approvable(approver: Subject): Promise<AccessRequest[]> {
    const pending = await this.deps.store.requests.list({ states: ['pending'], limit: 500 });
    const now = this.deps.now();
    const mine: AccessRequest[] = [];
    for (const request of pending) {
      const policy = this.deps.policies.find((p) => p.id === request.policyId);
      const requester = await this.deps.store.users.get(request.userId);
      if (!policy || !requester || now >= request.expiresAt) continue;
      const priors = request.approvals.map((a) => a.approverId);
      if (canApprove(approver, subjectFromUser(requester), policy, priors).allowed)
        mine.push(request);
    }
    return mine;
  }

  listMine(userId: string, limit = 100): Promise<AccessRequest[]> {
    return this.deps.store.requests.list({ userId, limit });
  }
}
