/**
 * Where a person stands with one resource, from their requests and grants: the state the
 * "My access" row shows and that the extension reads from `data-state`.
 */
import type { AccessRequest } from '../access/request-record.js';
import type { GrantRecord } from '../store/types.js';

export type AccessState =
  | { state: 'active'; grant: GrantRecord }
  | { state: 'scheduled'; grant: GrantRecord }
  | { state: 'pending'; request: AccessRequest }
  | { state: 'denied'; request: AccessRequest }
  | { state: 'ended'; grant: GrantRecord; end: 'expired' | 'revoked' | 'released' }
  | { state: 'none'; request?: AccessRequest };

const newest = <T extends { createdAt: number }>(items: readonly T[]) =>
  items.reduce<T | undefined>((a, b) => (a && a.createdAt >= b.createdAt ? a : b), undefined);

export function accessState(
  resourceId: string,
  userId: string,
  requests: readonly AccessRequest[],
  grants: readonly GrantRecord[],
  now: number,
): AccessState {
  const mine = grants.filter((g) => g.resourceId === resourceId);
  const live = mine
    .filter((g) => g.revokedAt === null && g.startsAt <= now && now < g.endsAt)
    .sort((a, b) => b.endsAt - a.endsAt)[0];
  if (live) return { state: 'active', grant: live };
  const scheduled = mine.find((g) => g.revokedAt === null && g.startsAt > now);
  if (scheduled) return { state: 'scheduled', grant: scheduled };
  const asked = requests.filter((r) => r.resourceId === resourceId);
  const pending = asked.find((r) => r.state === 'pending' && now < r.expiresAt);
  if (pending) return { state: 'pending', request: pending };
  const lastRequest = newest(asked);
  const lastGrant = newest(mine);
  // Whatever happened last is what the person needs to know: a denial, or access that ended.
  if (
    lastRequest?.state === 'denied' &&
    (!lastGrant || lastGrant.createdAt < lastRequest.createdAt)
  )
    return { state: 'denied', request: lastRequest };
  if (lastGrant) return { state: 'ended', grant: lastGrant, end: howEnded(lastGrant, userId) };
  return lastRequest ? { state: 'none', request: lastRequest } : { state: 'none' };
}

/** Revoked by the holder is a release; by anyone else a revoke; not revoked means it ran out. */
function howEnded(grant: GrantRecord, userId: string): 'expired' | 'revoked' | 'released' {
  if (grant.revokedAt === null) return 'expired';
  return grant.revokedBy === userId ? 'released' : 'revoked';
}
