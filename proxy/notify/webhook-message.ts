/**
 * Webhook messages: JSON with a Slack-compatible `text`, signed so receivers can check they come
 * from jitgate and are fresh: `X-Jitgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">` (the scheme Stripe and GitHub receivers already know how to check).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AccessEvent } from '../access/events.js';
import type { PendingRevocation } from '../access/pending-revocations.js';
import { breakGlassMessage } from './break-glass-message.js';
import { escapeSlack, slackText } from './slack-text.js';

export type WebhookEventType =
  | 'request.created'
  | 'request.decided'
  | 'grant.started'
  | 'grant.ended'
  | 'alert.revocation_unrecorded'
  | 'alert.revocation_recorded'
  | 'break_glass.started'
  | 'break_glass.reviewed'
  | 'break_glass.review_overdue';

export interface WebhookMessage {
  type: WebhookEventType;
  text: string;
  data: Record<string, unknown>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const minutes = (ms: number) =>
  ms >= 3_600_000 ? `${+(ms / 3_600_000).toFixed(1)}h` : `${Math.round(ms / 60_000)}m`;

/** Turns an access event into the message receivers get; undefined for events not sent out. */
export function messageFor(
  event: AccessEvent,
  nameOf: (userId: string) => string,
): WebhookMessage | undefined {
  if (event.type === 'request.created' || event.type === 'request.updated') {
    const r = event.request;
    const who = nameOf(r.userId);
    const data = {
      request: {
        id: r.id,
        user: r.userId,
        resource: r.resourceId,
        state: r.state,
        durationMs: r.durationMs,
        reason: r.reason,
        ticket: r.ticket,
        createdAt: iso(r.createdAt),
        decidedAt: iso(r.decidedAt),
        decidedBy: r.decidedBy,
        comment: r.comment,
        grant: r.grantId,
      },
    };
    if (event.type === 'request.created') {
      const text =
        r.state === 'approved'
          ? slackText`${who} got ${r.resourceId} for ${minutes(r.durationMs)} (auto-approved): ${r.reason ?? 'no reason'}`
          : slackText`${who} requests ${r.resourceId} for ${minutes(r.durationMs)}: ${r.reason ?? 'no reason'}`;
      return { type: 'request.created', text, data };
    }
    if (r.state === 'pending') return undefined;
    // Escaped here, once: these parts join the text as they are.
    const by = r.decidedBy ? ` by ${escapeSlack(nameOf(r.decidedBy))}` : '';
    const comment = r.comment ? `: ${escapeSlack(r.comment)}` : '';
    return {
      type: 'request.decided',
      text: slackText`${who}'s request for ${r.resourceId} was ${r.state}` + by + comment,
      data,
    };
  }
  if (event.type === 'break_glass') return breakGlassMessage(event.stage, event.record, nameOf);
  const g = event.grant;
  const data = {
    grant: {
      id: g.id,
      user: g.userId,
      resource: g.resourceId,
      startsAt: iso(g.startsAt),
      endsAt: iso(g.endsAt),
      revokedAt: iso(g.revokedAt),
      revokedBy: g.revokedBy,
      breakGlass: g.breakGlass === true,
    },
  };
  if (event.type === 'grant.started') {
    return {
      type: 'grant.started',
      text: slackText`${nameOf(g.userId)} has access to ${g.resourceId} until ${iso(g.endsAt)}`,
      data,
    };
  }
  return {
    type: 'grant.ended',
    text: slackText`${nameOf(g.userId)}'s access to ${g.resourceId} ended (${event.end})`,
    data: { ...data, end: event.end },
  };
}

export function sign(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Receiver-side check (used by tests and documented for integrators). */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((p) => p.split('=', 2) as [string, string]),
  );
  const t = Number(parts.t);
  if (
    !Number.isInteger(t) ||
    Math.abs(nowSeconds - t) > toleranceSeconds ||
    typeof parts.v1 !== 'string'
  )
    return false;
  const expected = Buffer.from(sign(secret, body, t).split('v1=')[1] ?? '');
  const given = Buffer.from(parts.v1);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * The alert for a grant end the store refused (it holds in memory, unrecorded), and the all-clear
 * once it is written. The cause names the store's failure, never a credential.
 */
export function revocationAlert(
  kind: 'unrecorded' | 'recorded',
  pending: PendingRevocation,
): WebhookMessage {
  const what = pending.code === 'grant.released' ? 'release' : 'revoke';
  const data = {
    grant: pending.grantId,
    user: pending.userId,
    resource: pending.resourceId,
    actor: pending.actor,
    endedAt: iso(pending.at),
    ...(kind === 'unrecorded' ? { cause: pending.cause } : {}),
  };
  if (kind === 'unrecorded')
    return {
      type: 'alert.revocation_unrecorded',
      text: slackText`jitgate could not record the ${what} of grant ${pending.grantId} (${pending.resourceId}): the store refused the write (${pending.cause}). Access is cut; it is recorded when the store takes writes again — until then a restart would lose it.`,
      data,
    };
  return {
    type: 'alert.revocation_recorded',
    text: slackText`The ${what} of grant ${pending.grantId} (${pending.resourceId}) is now recorded.`,
    data,
  };
}
