/**
 * When a new grant's start counts as recorded (both backends, `grants.start_recorded_at`): a
 * grant that starts when it is made is announced then, by whoever made it; one scheduled for
 * later is left for GrantRepository.claimStarted to hand to one replica when its time comes.
 */
import type { GrantRecord } from './types.js';

export const startRecordedAt = (grant: GrantRecord): number | null =>
  grant.startsAt <= grant.createdAt ? grant.createdAt : null;
