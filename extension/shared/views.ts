/**
 * From the proxy's JSON to what the popup shows, and what changed between two refreshes (the
 * decisions people get a desktop notification for). Pure, so the popup and tests agree on it.
 */
import type { BreakGlassReviewJson, PersonJson, RequestJson, ResourceJson } from './api-types.js';
import { exactOrigin } from './credential-policy.js';
import type { ApprovalView, ResourceView, ReviewView, Snapshot } from './state.js';

/** `mine`: my requests, newest first (as the API lists them). */
export function resourceViews(resources: ResourceJson[], mine: RequestJson[]): ResourceView[] {
  return resources.map((r) => {
    const latest = mine.find((q) => q.resource === r.id);
    const denied = r.access.state === 'none' && latest?.state === 'denied';
    const state = denied ? 'denied' : r.access.state;
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      origin: (r.kind === 'web' && exactOrigin(r.url)) || null,
      loginPath: r.formLogin?.loginPath ?? null,
      state,
      grant: r.access.state === 'active' ? r.access.grant : null,
      request: r.access.state === 'pending' ? r.access.request : (latest?.id ?? null),
      endsAt: r.access.state === 'active' ? Date.parse(r.access.endsAt) : null,
      comment: denied ? (latest?.comment ?? null) : null,
      requestable: r.policy.requestable,
      maxDurationMs: r.policy.maxDurationMs,
      requireReason: r.policy.requireReason,
      ticketPattern: r.policy.ticketPattern,
      breakGlass: r.breakGlass
        ? {
            maxDurationMs: r.breakGlass.maxDurationMs,
            incidentPattern: r.breakGlass.incidentPattern,
          }
        : null,
    };
  });
}

/**
 * Who someone is, for an approver deciding on them: the name their IdP sent, and where it comes
 * from, so a vendor whose IdP sends staff's email does not read as staff.
 */
export function personLabel(person: PersonJson | null | undefined): string {
  if (!person) return 'someone';
  const name = person.email ?? person.username;
  // A proxy that does not say (an older one) reads as unknown, never as staff.
  const idp = typeof person.idp === 'string' ? person.idp : 'unknown IdP';
  const kind = typeof person.kind === 'string' ? person.kind : 'unknown';
  return kind === 'person' ? `${name} (via ${idp})` : `${name} (${kind} via ${idp})`;
}

export function approvalViews(waiting: RequestJson[]): ApprovalView[] {
  return waiting.map((q) => ({
    id: q.id,
    resource: q.resource,
    requester: personLabel(q.requester),
    reason: q.reason,
    duration: q.duration,
  }));
}

export function reviewViews(waiting: BreakGlassReviewJson[]): ReviewView[] {
  return waiting.map((r) => ({
    grant: r.grant,
    resource: r.resource,
    person: personLabel(r.person),
    incident: r.incident,
    reviewDueAt: Date.parse(r.reviewDueAt),
    overdue: r.overdue,
  }));
}

export interface Notice {
  id: string;
  title: string;
  message: string;
}

/** Decisions on my requests, and grants that ended, since the previous snapshot. */
export function noticesBetween(before: Snapshot | undefined, after: ResourceView[]): Notice[] {
  if (!before) return [];
  const notices: Notice[] = [];
  for (const now of after) {
    const was = before.resources.find((r) => r.id === now.id);
    if (!was || was.state === now.state) continue;
    if (now.state === 'active')
      notices.push({
        id: `granted-${now.grant}`,
        title: `${now.name}: access granted`,
        message: 'Open it from the jitgate popup.',
      });
    else if (now.state === 'denied')
      notices.push({
        id: `denied-${now.request}`,
        title: `${now.name}: request denied`,
        message: now.comment ?? 'No comment.',
      });
    else if (was.state === 'active')
      notices.push({
        id: `ended-${was.grant}`,
        title: `${now.name}: access ended`,
        message: 'The grant is over.',
      });
  }
  return notices;
}

/** Durations a request form offers: the usual steps up to the policy's limit. */
export function durationChoices(maxDurationMs: number): { label: string; ms: number }[] {
  const steps = [15, 30, 60, 120, 240, 480].map((m) => m * 60_000);
  const fit = steps.filter((ms) => ms <= maxDurationMs);
  const label = (ms: number) => (ms < 3_600_000 ? `${ms / 60_000}m` : `${ms / 3_600_000}h`);
  return (
    fit.length > 0 ? fit : maxDurationMs >= 60_000 ? [maxDurationMs - (maxDurationMs % 60_000)] : []
  ).map((ms) => ({ label: label(ms), ms }));
}

/** Durations the Emergency access form offers: short steps up to the policy's hard cap. */
export function breakGlassDurations(capMs: number): { label: string; ms: number }[] {
  return [5, 10, 15, 30, 60]
    .map((m) => m * 60_000)
    .filter((ms) => ms <= capMs)
    .map((ms) => ({ label: `${ms / 60_000}m`, ms }));
}
