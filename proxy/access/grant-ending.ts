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
import { policyById } from './policy.js';
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

  /** Someone ends another person's grant, if the authorization module says they may. */
  async revoke(actor: Subject, grantId: string, reason: string | null): Promise<GrantRecord> {
    const grant = await this.deps.store.grants.get(grantId);
    if (!grant) throw notFound('unknown_grant', 'no such grant');
    const request = await this.deps.store.requests.findByGrant(grantId);
    const policy = policyById(this.deps.policies, request?.policyId);
    if (!this.deps.authorization.mayRevoke(actor, policy))
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
