/**
 * Who hears an access event on the live stream, and what they receive. Pure apart from the one
 * requester lookup a request event needs, which the stream does once per event, not per listener.
 * The JSON is the REST answers' own (json.ts).
 */
import type { Authorization } from '../access/authorization.js';
import type { AccessEvent } from '../access/events.js';
import { subjectFromUser } from '../access/subject.js';
import type { Subject } from '../access/types.js';
import type { UserRecord } from '../store/types.js';
import { breakGlassJson } from './break-glass-json.js';
import { grantJson, requestJson } from './json.js';

export interface Addressed {
  /** The SSE frame, ready to write. */
  frame: string;
  concerns(listener: Subject): boolean;
}

export function frame(type: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so the data stays one `data:` line.
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A person's own requests and grants concern them. A request also concerns everyone who may
 * decide it: asked afresh per event (priors left out), so approvers also hear the update that
 * takes a request out of their queue — approved by someone else, denied, expired, cancelled.
 */
export function address(
  event: AccessEvent,
  requester: UserRecord | undefined,
  authorization: Pick<Authorization, 'mayDecide' | 'mayReviewBreakGlass'>,
  now: number,
): Addressed {
  if (event.type === 'grant.started' || event.type === 'grant.ended') {
    const { grant } = event;
    const data =
      event.type === 'grant.ended'
        ? { grant: grantJson(grant, now), end: event.end }
        : { grant: grantJson(grant, now) };
    return { frame: frame(event.type, data), concerns: (s) => s.id === grant.userId };
  }
  if (event.type === 'break_glass')
    return breakGlassAddressed(event, requester, authorization, now);
  const { request } = event;
  const asker = requester ? subjectFromUser(requester) : undefined;
  return {
    frame: frame(event.type, { request: requestJson(request, requester, now) }),
    concerns: (s) =>
      s.id === request.userId ||
      (asker !== undefined && authorization.mayDecide(s, asker, request.policyId)),
  };
}

/** A break-glass event concerns the person and everyone who may review it (a live banner). */
function breakGlassAddressed(
  event: Extract<AccessEvent, { type: 'break_glass' }>,
  person: UserRecord | undefined,
  authorization: Pick<Authorization, 'mayReviewBreakGlass'>,
  now: number,
): Addressed {
  const { record } = event;
  const subject = person ? subjectFromUser(person) : undefined;
  return {
    frame: frame(`break_glass.${event.stage}`, {
      breakGlass: breakGlassJson(record, person, now),
    }),
    concerns: (s) =>
      s.id === record.userId ||
      (subject !== undefined && authorization.mayReviewBreakGlass(s, subject, record.policyId)),
  };
}
