/**
 * Trail retention: rows older than their resource's `trail.retentionDays` are deleted, in small
 * chunks so a large backlog never holds the store (or the event loop) for long, and what was
 * deleted is recorded in the audit log (`trail.retention`, counts per resource). Rows of a
 * resource no longer in the config are kept: nobody configured how long to keep them.
 */
import type { AuditLog } from '../audit/audit-log.js';
import type { ResourceConfig } from '../config/schema.js';
import { yieldToEventLoop } from '../shared/yield.js';
import type { Store } from '../store/types.js';

const DAY_MS = 86_400_000;
/** Rows per DELETE: a few milliseconds of SQLite work between turns of the event loop. */
const CHUNK = 2_000;

export interface RetentionResult {
  /** Rows deleted per resource id (resources with nothing to delete are left out). */
  deleted: Record<string, number>;
  total: number;
}

export interface RetentionDeps {
  store: Pick<Store, 'trail' | 'atomic'>;
  audit: Pick<AuditLog, 'record'>;
  resources: readonly ResourceConfig[];
  now: () => number;
}

export async function runRetention(deps: RetentionDeps): Promise<RetentionResult> {
  const now = deps.now();
  const deleted: Record<string, number> = {};
  const cutoffs: Record<string, string> = {};
  let total = 0;
  for (const resource of deps.resources) {
    if (resource.kind !== 'web') continue;
    const before = now - resource.trail.retentionDays * DAY_MS;
    let count = 0;
    for (;;) {
      const n = await deps.store.atomic(() =>
        deps.store.trail.deleteOlderThan(resource.id, before, CHUNK),
      );
      count += n;
      if (n < CHUNK) break;
      await yieldToEventLoop();
    }
    if (count === 0) continue;
    deleted[resource.id] = count;
    cutoffs[resource.id] = new Date(before).toISOString();
    total += count;
  }
  // Only runs that deleted something are events: an hourly "nothing to do" would bury the log.
  if (total > 0) {
    await deps.audit.record({
      code: 'trail.retention',
      actor: 'system',
      data: { deleted, olderThan: cutoffs, total },
    });
  }
  return { deleted, total };
}
