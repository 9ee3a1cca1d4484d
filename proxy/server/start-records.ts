/**
 * A scheduled grant's start as the audit log and the once-only work see it. Every replica's book
 * sees it start; the replica whose claim takes it (the store hands each start to one caller of
 * one replica only) records grant.started and does the once-only work (webhooks, credentials),
 * the others tell only their own event streams. One sweep tells of several starts and the first
 * claim takes them all, so claims run one after another and remember what they took until its
 * own start is told. When a claim fails (the store was away or busy at that moment, as it may be
 * for every replica at once), the start is not dropped: it is tried again (`retry`) until a claim
 * is in, rather than waiting for a replica to start again (`recordMissed`).
 */
import type { AccessEvents } from '../access/events.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../shared/logger.js';
import type { GrantRecord, Store } from '../store/types.js';

export interface StartRecordsDeps {
  store: Pick<Store, 'atomic' | 'grants'>;
  audit: Pick<AuditLog, 'append'>;
  events: AccessEvents;
  log: Logger;
  now: () => number;
}

export function createStartRecords(deps: StartRecordsDeps) {
  const { store, audit, events, log, now } = deps;
  const claimedStarts = new Set<string>();
  /** Starts this replica saw whose claim failed: told again until one is in. */
  const unrecorded = new Map<string, GrantRecord>();
  let starting = Promise.resolve();

  /** Claims and records every start not yet recorded as of `at`; resolves what it claimed. */
  const claimStarts = (at: number, late: boolean) =>
    store.atomic(async () => {
      const started = await store.grants.claimStarted(at);
      for (const grant of started)
        await audit.append({
          code: 'grant.started',
          actor: 'system',
          target: grant.resourceId,
          data: {
            grant: grant.id,
            user: grant.userId,
            startsAt: grant.startsAt,
            endsAt: grant.endsAt,
            ...(late ? { recordedLate: true } : {}),
          },
        });
      return started;
    });

  function tell(grant: GrantRecord, late: boolean) {
    starting = starting
      .then(async () => {
        if (!claimedStarts.has(grant.id))
          (await claimStarts(now(), late)).forEach((g) => claimedStarts.add(g.id));
        unrecorded.delete(grant.id);
        const claimed = claimedStarts.delete(grant.id);
        events.emit({
          type: 'grant.started',
          grant,
          ...(claimed ? {} : { remote: true as const }),
        });
      })
      // Access has started either way; its record is tried again.
      .catch((error: unknown) => {
        unrecorded.set(grant.id, grant);
        log.error('grant start not audited; it is tried again', { grant: grant.id, error });
      });
  }

  return {
    /** The book saw scheduled `grant` start. */
    started: (grant: GrantRecord) => tell(grant, false),
    /** At start-up: the starts that came while no replica recorded them (told as this one's). */
    async recordMissed(at: number): Promise<void> {
      for (const grant of await claimStarts(at, true))
        events.emit({ type: 'grant.started', grant });
    },
    /** Tries the failed starts again, each after what is already queued. */
    retry(): void {
      for (const grant of [...unrecorded.values()]) {
        unrecorded.delete(grant.id);
        tell(grant, true);
      }
    },
  };
}
