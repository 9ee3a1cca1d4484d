/**
 * Ending a grant before its time: the holder releases it, or an approver of its policy (or an
 * admin) revokes it. The change and its audit event commit together — or, when the store cannot
 * take the write, the end holds in memory until it can (pending-revocations.ts). Either way the
 * book hears of it at once, and its listeners cut the open connections under the grant.
 */
import { JitgateError, forbidden, notFound } from '../shared/errors.js';
import type { GrantRecord } from '../store/types.js';
import type { PendingRevocations } from './pending-revocations.js';
import type { RequestServiceDeps } from './request-service.js';
import type { Subject } from './types.js';

export class GrantEnding {
  constructor(
    private readonly deps: RequestServiceDeps,
    private readonly revocations: PendingRevocations,
  ) {}

  /** The holder ends their own grant early. */
  async release(subject: Subject, grantId: string): Promise<GrantRecord> {
    const grant = await this.deps.store.grants.get(grantId);
    if (!grant || grant.userId !== subject.id)
      throw notFound('unknown_grant', 'no such grant of yours');
    return this.end(grant, subject.id, 'released', null);
  }

  /** An approver of the grant's policy, or an admin, ends someone's grant. */
  async revoke(
    actor: Subject,
    grantId: string,
    reason: string | null,
    isAdmin: boolean,
  ): Promise<GrantRecord> {
    const grant = await this.deps.store.grants.get(grantId);
    if (!grant) throw notFound('unknown_grant', 'no such grant');
    if (!isAdmin) {
      const request = await this.deps.store.requests.findByGrant(grantId);
      const policy = this.deps.policies.find((p) => p.id === request?.policyId);
      const groups = policy?.approval?.groups ?? [];
      if (!groups.some((g) => actor.groups.includes(g))) {
        throw forbidden(
          'not_an_approver',
          'only an approver of this resource or an admin may revoke',
        );
      }
    }
    return this.end(grant, actor.id, 'revoked', reason);
  }

  private async end(
    grant: GrantRecord,
    actor: string,
    end: 'released' | 'revoked',
    reason: string | null,
  ) {
    if (grant.revokedAt !== null || grant.endsAt <= this.deps.now()) {
      throw new JitgateError(409, 'grant_not_live', 'this grant has already ended');
    }
    const { grant: ended } = await this.revocations.end(grant, {
      actor,
      code: end === 'released' ? 'grant.released' : 'grant.revoked',
      reason,
    });
    this.deps.book.put(ended);
    this.deps.events.emit({ type: 'grant.ended', grant: ended, end });
    return ended;
  }
}
