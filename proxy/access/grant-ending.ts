/**
 * Ending a grant before its time, by a person: the holder releases it, or someone the
 * authorization module lets revoke it (an approver of its policy, an admin). The change goes
 * through the grant ledger: it commits with its audit event (or, when the store cannot take the
 * write, holds in memory until it can: pending-revocations.ts), then the grant book cuts the open
 * connections under it.
 */
import type { PolicyConfig } from '../config/schema.js';
import { forbidden, notFound } from '../shared/errors.js';
import type { GrantRecord, Store } from '../store/types.js';
import type { Authorization } from './authorization.js';
import { GrantLedger, type GrantLedgerDeps } from './grant-ledger.js';
import { grantPolicy } from './grant-policy.js';
import type { Member } from './groups.js';
import type { Subject } from './types.js';

export interface GrantEndingDeps extends GrantLedgerDeps {
  store: Store;
  policies: readonly PolicyConfig[];
  authorization: Authorization;
}

export class GrantEnding {
  private readonly ledger: GrantLedger;

  constructor(private readonly deps: GrantEndingDeps) {
    this.ledger = new GrantLedger(deps);
  }

  /** The holder ends their own grant early. */
  async release(subject: Subject, grantId: string): Promise<GrantRecord> {
    const grant = await this.deps.store.grants.get(grantId);
    if (!grant || grant.userId !== subject.id)
      throw notFound('unknown_grant', 'no such grant of yours');
    return this.end(grant, subject.id, 'released', null);
  }

  /** Whether `actor` may end `grant` (an approver of the policy it was given under, an admin). */
  async mayRevoke(actor: Member, grant: GrantRecord): Promise<boolean> {
    const policy = await grantPolicy(this.deps.store, this.deps.policies, grant);
    return this.deps.authorization.mayRevoke(actor, policy);
  }

  /** Someone ends another person's grant, if the authorization module says they may. */
  async revoke(actor: Subject, grantId: string, reason: string | null): Promise<GrantRecord> {
    const grant = await this.deps.store.grants.get(grantId);
    if (!grant) throw notFound('unknown_grant', 'no such grant');
    if (!(await this.mayRevoke(actor, grant)))
      throw forbidden(
        'not_an_approver',
        'only an approver of this resource or an admin may revoke',
      );
    return this.end(grant, actor.id, 'revoked', reason);
  }

  private async end(
    grant: GrantRecord,
    actor: string,
    end: 'released' | 'revoked',
    reason: string | null,
  ): Promise<GrantRecord> {
    return this.ledger.finish(grant.id, actor, end, reason);
  }
}
