/**
 * Where things stand, decided once for the API, the portal, the event stream and the extension:
 * a grant's state (scheduled, active, or ended by release, revoke or expiry), a request's state
 * (a pending one past its deadline already reads expired), a person's standing with a resource,
 * and what they may request now and for how long. Pure: the caller passes the time.
 */
import type { PolicyConfig } from '../config/schema.js';
import type { GrantRecord } from '../store/types.js';
import { earlyEnd, isLive, type GrantEndReason } from './grant-book.js';
import { evaluateRequest, policiesFor } from './policy.js';
import type { AccessRequest } from './request-record.js';
import type { RequestDecision, RequestState, Subject } from './types.js';
import { isInsideWindows } from './windows.js';

/**
 * How much of a person's history the API and the portal read to show where they stand: their
 * newest requests and grants (every grant not yet ended comes too, however old). Bounded: a
 * machine identity taking a grant per CI job would otherwise read years of them on every page.
 */
export const RECENT_HISTORY = 100;

/** No grant lasts longer than a week, however it is made; policy sets the real limit. */
export const MAX_GRANT_MS = 7 * 86_400_000;

/** How a grant ended: its holder released it, someone revoked it, or it ran out. */
export type GrantEnd = GrantEndReason;

export type GrantState =
  { state: 'scheduled' } | { state: 'active' } | { state: 'ended'; end: GrantEnd };

/**
 * Active is what the grant book calls live. A revoke by the holder is a release, by anyone else
 * a revoke; an ended grant that was not revoked ran out.
 */
export function grantState(grant: GrantRecord, now: number): GrantState {
  if (isLive(grant, now)) return { state: 'active' };
  if (grant.revokedAt !== null) return { state: 'ended', end: earlyEnd(grant) };
  return grant.endsAt <= now ? { state: 'ended', end: 'expired' } : { state: 'scheduled' };
}

/**
 * How an ended grant ended, in words a person reads ("it expired at …", "revoked by bob at …"),
 * for a refusal to end it again. Undefined while it has not ended.
 */
export function endedInWords(grant: GrantRecord, now: number): string | undefined {
  const state = grantState(grant, now);
  if (state.state !== 'ended') return undefined;
  const at = (ms: number) => new Date(ms).toISOString();
  if (state.end === 'expired') return `it expired at ${at(grant.endsAt)}`;
  const when = at(grant.revokedAt ?? grant.endsAt);
  return state.end === 'released'
    ? `released by its holder at ${when}`
    : `revoked by ${grant.revokedBy ?? 'someone'} at ${when}`;
}

/** The one word clients see (docs/api.md): an ended grant reads how it ended. */
export function grantStateName(
  grant: GrantRecord,
  now: number,
): 'scheduled' | 'active' | 'expired' | 'released' | 'revoked' {
  const state = grantState(grant, now);
  return state.state === 'ended' ? state.end : state.state;
}

/** A pending request past its deadline is expired, even before the expiry sweep writes it. */
export function requestState(request: AccessRequest, now: number): RequestState {
  return request.state === 'pending' && now >= request.expiresAt ? 'expired' : request.state;
}

/** Where a person stands with one resource, from their requests and grants. */
export type Standing =
  | { state: 'active'; grant: GrantRecord }
  | { state: 'pending'; request: AccessRequest }
  | { state: 'scheduled'; grant: GrantRecord }
  | { state: 'denied'; request: AccessRequest }
  | { state: 'ended'; grant: GrantRecord; end: GrantEnd }
  | { state: 'none'; request?: AccessRequest };

const newest = <T extends { createdAt: number }>(items: readonly T[]) =>
  items.reduce<T | undefined>((a, b) => (a && a.createdAt >= b.createdAt ? a : b), undefined);

/**
 * Live access first (the one that lasts longest), then a request waiting for an answer, then
 * access scheduled to start; otherwise whatever happened last: a denial, or access that ended.
 */
export function standing(
  resourceId: string,
  requests: readonly AccessRequest[],
  grants: readonly GrantRecord[],
  now: number,
): Standing {
  const mine = grants.filter((g) => g.resourceId === resourceId);
  const live = mine.filter((g) => isLive(g, now)).sort((a, b) => b.endsAt - a.endsAt)[0];
  if (live) return { state: 'active', grant: live };
  const asked = requests.filter((r) => r.resourceId === resourceId);
  const pending = asked.find((r) => requestState(r, now) === 'pending');
  if (pending) return { state: 'pending', request: pending };
  const scheduled = mine.find((g) => grantState(g, now).state === 'scheduled');
  if (scheduled) return { state: 'scheduled', grant: scheduled };
  const lastRequest = newest(asked);
  const lastGrant = newest(mine);
  if (
    lastRequest?.state === 'denied' &&
    (!lastGrant || lastGrant.createdAt < lastRequest.createdAt)
  )
    return { state: 'denied', request: lastRequest };
  if (lastGrant) {
    const ended = grantState(lastGrant, now);
    return {
      state: 'ended',
      grant: lastGrant,
      end: ended.state === 'ended' ? ended.end : 'expired',
    };
  }
  return lastRequest ? { state: 'none', request: lastRequest } : { state: 'none' };
}

/** What a request form asks for, and what policy would say: for the API and the portal alike. */
export interface RequestOptions {
  /** A policy lets the subject ask now (access windows are the part that depends on the clock). */
  requestable: boolean;
  /** The longest any of those policies allows (0 when none does). */
  maxDurationMs: number;
  /** Every one of them wants a reason. */
  requireReason: boolean;
  /** Patterns the policies name for tickets; a ticket is required when every one asks for it. */
  ticket: { required: boolean; patterns: string[] };
  /** What policy says about a short request (one minute, with a reason, starting now). */
  preview: RequestDecision;
}

/** The probe behind `preview`: short enough for any policy, with a reason. */
const PROBE_MS = 60_000;

/**
 * What `subject` may request of `resourceId` at `now`. Only policies open now count: outside a
 * vendor's access window nothing is offered, though a request could name a later start.
 */
export function requestOptions(
  subject: Subject,
  resourceId: string,
  policies: readonly PolicyConfig[],
  now: number,
): RequestOptions {
  const open = policiesFor(subject, resourceId, policies).filter((p) =>
    isInsideWindows(p.windows, now),
  );
  const some = open.length > 0;
  const patterns = [...new Set(open.flatMap((p) => (p.ticketPattern ? [p.ticketPattern] : [])))];
  return {
    requestable: some,
    maxDurationMs: Math.max(0, ...open.map((p) => p.maxDuration)),
    requireReason: some && open.every((p) => p.requireReason),
    ticket: { required: some && open.every((p) => p.ticketPattern !== undefined), patterns },
    preview: evaluateRequest(
      subject,
      { resourceId, durationMs: PROBE_MS, reason: 'preview', ticket: null, startAt: null },
      policies,
      now,
    ),
  };
}
