/**
 * The minimal admin path (`jitgate grant` / `jitgate revoke`): a grant for a named person, and
 * revoking any grant. Both go through the grant ledger, the same commit-then-publish path as the
 * request workflow's grants.
 */
import type { PolicyConfig } from '../config/schema.js';
import { formatDuration } from '../shared/duration.js';
import { JitgateError, notFound } from '../shared/errors.js';
import type { GrantRecord, UserRecord } from '../store/types.js';
import { MAX_GRANT_MS, RECENT_HISTORY } from './access-state.js';
import { GrantLedger, type GrantLedgerDeps } from './grant-ledger.js';
import { policiesFor } from './policy.js';
import { subjectFromUser } from './subject.js';

export interface GrantServiceOptions extends GrantLedgerDeps {
  resourceExists: (id: string) => boolean;
  /** What people could have asked for: an admin grant beyond it needs `force`. */
  policies: readonly PolicyConfig[];
}

export interface AdminGrantInput {
  user: string;
  resource: string;
  durationMs: number;
  reason?: string | undefined;
  actor: string;
  /** Grant even when no policy covers the user for the resource, or not for this long. */
  force?: boolean | undefined;
}

export const MIN_ADMIN_GRANT_MS = 1_000;
export const MAX_ADMIN_GRANT_MS = MAX_GRANT_MS;

export class GrantService {
  private readonly ledger: GrantLedger;

  constructor(private readonly options: GrantServiceOptions) {
    this.ledger = new GrantLedger(options);
  }

  /** Loads live grants into the book; call once at start-up. */
  async load(): Promise<number> {
    const grants = await this.options.store.grants.listLive(this.options.now());
    grants.forEach((grant) => this.options.book.put(grant));
    return grants.length;
  }

  /**
   * The user an admin names: by user id, or by username or email among staff only. A username
   * or email is whatever an IdP sent, and a vendor's IdP may send a staff member's (before that
   * person ever signed in, the name would have found the vendor): a vendor or machine is named
   * by its id.
   */
  async resolveUser(name: string): Promise<UserRecord> {
    const users = await this.options.store.users.findByName(name);
    const byId = users.find((u) => u.id === name);
    if (byId) return byId;
    if (users.length === 0)
      throw notFound(
        'unknown_user',
        `no user "${name}" (a person appears after their first login)`,
      );
    const staff = users.filter((u) => u.kind === 'person');
    if (staff.length === 1) return staff[0] as UserRecord;
    const others = users.filter((u) => u.kind !== 'person').map((u) => `${u.id} (${u.kind})`);
    throw new JitgateError(
      409,
      'ambiguous_user',
      staff.length > 1
        ? `"${name}" names several users; use the user id`
        : `"${name}" names no staff member, only ${others.join(', ')}: a vendor or machine is named by its user id`,
    );
  }

  async grant(input: AdminGrantInput): Promise<GrantRecord> {
    if (!this.options.resourceExists(input.resource))
      throw notFound('unknown_resource', `no resource "${input.resource}"`);
    if (
      !Number.isFinite(input.durationMs) ||
      input.durationMs < MIN_ADMIN_GRANT_MS ||
      input.durationMs > MAX_ADMIN_GRANT_MS
    )
      throw new JitgateError(400, 'invalid_duration', 'duration must be between 1s and 7d');
    const user = await this.resolveUser(input.user);
    const outside = this.outsidePolicy(user, input.resource, input.durationMs);
    if (outside && !input.force)
      throw new JitgateError(
        409,
        'grant_outside_policy',
        `${outside.message}; pass --force to grant ${
          outside.cap === undefined ? 'it' : formatDuration(input.durationMs)
        } anyway`,
      );
    const now = this.options.now();
    return this.ledger.start({
      userId: user.id,
      resourceId: input.resource,
      startsAt: now,
      endsAt: now + input.durationMs,
      reason: input.reason ?? null,
      createdBy: input.actor,
      ...(outside ? { outsidePolicy: outside.audit } : {}),
    });
  }

  /**
   * Whether policy would never have given `user` this resource for this long: nobody covered, or
   * longer than the longest maxDuration of the policies that cover them.
   */
  private outsidePolicy(
    user: UserRecord,
    resource: string,
    durationMs: number,
  ): { message: string; audit: string; cap?: number } | undefined {
    const covering = policiesFor(subjectFromUser(user), resource, this.options.policies);
    if (covering.length === 0)
      return {
        message: `no policy lets ${user.username} request ${resource}`,
        audit: 'no policy covers the user',
      };
    const cap = Math.max(...covering.map((policy) => policy.maxDuration));
    if (durationMs <= cap) return undefined;
    return {
      message: `${user.username} may have ${resource} for at most ${formatDuration(cap)} under policy`,
      audit: `longer than the policy cap (${formatDuration(cap)})`,
      cap,
    };
  }

  /** A grant that has already ended is refused, saying how and when (the first end stands). */
  async revoke(id: string, actor: string): Promise<GrantRecord> {
    return this.ledger.finish(id, actor, 'revoked', null);
  }

  /** Every grant of theirs not yet ended and the RECENT_HISTORY newest (GrantRepository.listForUser). */
  listForUser(userId: string): Promise<GrantRecord[]> {
    return this.options.store.grants.listForUser(userId, {
      now: this.options.now(),
      recent: RECENT_HISTORY,
    });
  }
}
