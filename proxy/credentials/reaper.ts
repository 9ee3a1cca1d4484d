/**
 * Crash safety for temporary roles: at start-up and every minute, every role in the ledger
 * whose grant is over (ended, revoked, unknown) is dropped. Normally the grant's end drops the
 * role at once; the reaper catches what a crash, a restart or an unreachable database left.
 */
import type { PostgresResourceConfig } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { GrantRecord, GrantRepository } from '../store/types.js';
import type { PostgresRoles } from './postgres-roles.js';
import type { CredentialRoleRecord, CredentialRoleRepository } from './role-record.js';

export type ReapDecision = 'keep' | 'drop';

/** Pure: a role stands only while the grant it was made for is live (or still to start). */
export function reapDecision(
  record: CredentialRoleRecord,
  grant: GrantRecord | undefined,
  now: number,
): ReapDecision {
  if (record.droppedAt !== null) return 'keep';
  if (!grant || grant.id !== record.grantId) return 'drop';
  if (grant.revokedAt !== null || grant.endsAt <= now || record.validUntil <= now) return 'drop';
  return 'keep';
}

export interface ReaperDeps {
  ledger: CredentialRoleRepository;
  grants: Pick<GrantRepository, 'get'>;
  roles: PostgresRoles;
  resource(id: string): PostgresResourceConfig | undefined;
  log: Logger;
  now: () => number;
}

export const REAP_EVERY_MS = 60_000;

/** One pass: roles dropped, and roles over their grant that could not be dropped yet. */
export interface ReapOutcome {
  dropped: number;
  left: number;
}

export class Reaper {
  private running: Promise<ReapOutcome> | undefined;

  constructor(private readonly deps: ReaperDeps) {}

  /** One pass; overlapping calls share one pass. */
  run(): Promise<ReapOutcome> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<ReapOutcome> {
    const outcome = { dropped: 0, left: 0 };
    for (const record of await this.deps.ledger.listStanding()) {
      const grant = await this.deps.grants.get(record.grantId);
      if (reapDecision(record, grant, this.deps.now()) === 'keep') continue;
      try {
        await this.deps.roles.drop(record, this.deps.resource(record.resourceId), 'reaped');
        outcome.dropped++;
      } catch (error) {
        // Left in the ledger: the next pass tries again.
        outcome.left++;
        this.deps.log.warn('role not reaped yet', { role: record.role, error });
      }
    }
    if (outcome.dropped > 0) this.deps.log.info('reaped database roles', outcome);
    return outcome;
  }
}
