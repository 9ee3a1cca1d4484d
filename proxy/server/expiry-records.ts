/**
 * A grant's expiry as the audit log and the once-only work see it. Every replica whose book held
 * the grant sees it end and tries to claim its expiry; the one whose claim wins records one
 * grant.expired and does the once-only work (its grant.ended event: webhooks, credentials), the
 * others tell only their own event streams. When a try fails (the store was away or busy at
 * that moment, as it may be for every replica at once), the expiry is not dropped: it is tried
 * again (`retry`) until a claim is in, by this replica or another, rather than waiting for a
 * replica to start again (access-wiring.ts's missed expiries).
 */
import type { AccessEvents } from '../access/events.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../shared/logger.js';
import type { GrantRecord, Store } from '../store/types.js';

export interface ExpiryRecordsDeps {
  store: Pick<Store, 'atomic' | 'grants'>;
  audit: Pick<AuditLog, 'append'>;
  events: AccessEvents;
  log: Logger;
  now: () => number;
}

export function createExpiryRecords(deps: ExpiryRecordsDeps) {
  const { store, audit, events, log, now } = deps;
  /** Expiries this replica saw whose claim failed: tried again until one is in. */
  const unrecorded = new Map<string, GrantRecord>();
  let retrying: Promise<void> | undefined;

  async function record(grant: GrantRecord, late: boolean) {
    const claimed = await store.atomic(async () => {
      if (!(await store.grants.claimExpiry(grant.id, Math.max(now(), grant.endsAt)))) return false;
      await audit.append({
        code: 'grant.expired',
        actor: 'system',
        target: grant.resourceId,
        data: {
          grant: grant.id,
          user: grant.userId,
          endsAt: grant.endsAt,
          ...(late ? { recordedLate: true } : {}),
        },
      });
      return true;
    });
    events.emit({
      type: 'grant.ended',
      grant,
      end: 'expired',
      ...(claimed ? {} : { remote: true as const }),
    });
  }

  async function retryAll() {
    for (const grant of [...unrecorded.values()]) {
      try {
        await record(grant, true);
        unrecorded.delete(grant.id);
      } catch (error) {
        log.warn('grant expiry still not audited', { grant: grant.id, error });
        return; // the store is still away: the next retry goes on
      }
    }
  }

  return {
    /** The book saw `grant` run out: claim and record its expiry (access has ended either way). */
    expired(grant: GrantRecord): void {
      record(grant, false).catch((error: unknown) => {
        unrecorded.set(grant.id, grant);
        log.error('grant expiry not audited; it is tried again', { grant: grant.id, error });
      });
    },
    /** Tries the failed expiries again; overlapping calls share one pass. */
    retry(): Promise<void> {
      if (unrecorded.size === 0) return Promise.resolve();
      retrying ??= retryAll().finally(() => (retrying = undefined));
      return retrying;
    },
  };
}
