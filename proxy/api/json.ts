/**
 * The JSON shapes of the API (docs/api.md). The REST answers and the live event stream use the
 * same functions, so a client handles a request or grant the same way wherever it came from.
 * Times are ISO 8601 (UTC); durations come both as text ("30m") and in milliseconds.
 */
import { grantStateName, requestState } from '../access/access-state.js';
import { isLive } from '../access/grant-book.js';
import type { AccessRequest } from '../access/request-record.js';
import type { RequestDecision } from '../access/types.js';
import { formatDuration } from '../shared/duration.js';
import type { GrantRecord, UserRecord, UserRepository } from '../store/types.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function grantJson(grant: GrantRecord, now: number) {
  return {
    id: grant.id,
    user: grant.userId,
    resource: grant.resourceId,
    state: grantStateName(grant, now),
    live: isLive(grant, now),
    startsAt: iso(grant.startsAt),
    endsAt: iso(grant.endsAt),
    reason: grant.reason,
    createdBy: grant.createdBy,
    revokedAt: isoOrNull(grant.revokedAt),
    revokedBy: grant.revokedBy,
    breakGlass: grant.breakGlass === true,
  };
}

/** Who asked, as an approver needs to see them; null when the user row is gone. */
export function personJson(user: UserRecord | undefined) {
  if (!user) return null;
  // The IdP and kind are jitgate's own facts (config); the rest is what the IdP sent.
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    idp: user.idp,
    kind: user.kind,
  };
}

export function requestJson(
  request: AccessRequest,
  requester: UserRecord | undefined,
  now: number,
) {
  return {
    id: request.id,
    user: request.userId,
    requester: personJson(requester),
    resource: request.resourceId,
    state: requestState(request, now),
    duration: formatDuration(request.durationMs),
    durationMs: request.durationMs,
    reason: request.reason,
    ticket: request.ticket,
    startAt: isoOrNull(request.startAt),
    policy: request.policyId,
    policyReasons: request.policyReasons,
    approvalsRequired: request.approvalsRequired,
    approvals: request.approvals.map((a) => ({
      approver: a.approverId,
      decision: a.decision,
      comment: a.comment,
      durationMs: a.durationMs,
      at: iso(a.at),
    })),
    createdAt: iso(request.createdAt),
    expiresAt: iso(request.expiresAt),
    decidedAt: isoOrNull(request.decidedAt),
    decidedBy: request.decidedBy,
    comment: request.comment,
    grant: request.grantId,
  };
}

export type RequestJson = ReturnType<typeof requestJson>;

/** requestJson for several requests, reading each requester once. */
export async function requestsJson(
  users: Pick<UserRepository, 'get'>,
  requests: readonly AccessRequest[],
  now: number,
): Promise<RequestJson[]> {
  const people = new Map<string, UserRecord | undefined>();
  for (const { userId } of requests) {
    if (!people.has(userId)) people.set(userId, await users.get(userId));
  }
  return requests.map((r) => requestJson(r, people.get(r.userId), now));
}

export function decisionJson(decision: RequestDecision) {
  return {
    outcome: decision.outcome,
    policy: decision.policyId ?? null,
    reasons: decision.reasons,
    maxDuration: formatDuration(decision.maxDurationMs),
    maxDurationMs: decision.maxDurationMs,
    approvalsRequired: decision.approvalsRequired,
    approverGroups: decision.approverGroups,
    mfa: decision.mfa,
    recording: decision.recording,
    windowEndsAt: isoOrNull(decision.windowEndsAt),
  };
}
