/**
 * Every break-glass rule, in one place: who may grant themselves emergency access to what (a
 * policy's `breakGlass`: named people and kinds, never vendors or machines unless listed), what
 * a request must carry (an incident matching the policy's pattern, a reason, a fresh MFA
 * step-up, a duration within the hard cap), and who reviews it afterwards (an approver of the
 * policy, never the person). Pure: the service and the routes ask here and decide nothing.
 */
import type { PolicyConfig } from '../config/schema.js';
import { JitgateError, type StatusAndCode } from '../shared/errors.js';
import type { BreakGlassRecord } from './break-glass-record.js';
import { cleanReason, matchesPattern, MAX_REASON_CHARS, subjectMatches } from './policy-match.js';
import { formatDuration } from '../shared/duration.js';
import { requireStepUp, type Assurance } from './step-up.js';
import type { Subject } from './types.js';

/** Longest incident reference accepted; longer ones never match (bounds the pattern's work). */
export const MAX_INCIDENT_CHARS = 200;

export interface BreakGlassInput {
  resourceId: string;
  durationMs: number;
  incident: string | null;
  reason: string | null;
}

type BreakGlassRule = NonNullable<PolicyConfig['breakGlass']>;
export type BreakGlassPolicy = PolicyConfig & { breakGlass: BreakGlassRule };

type RefusalCode =
  | 'break_glass_not_allowed'
  | 'incident_required'
  | 'incident_invalid'
  | 'reason_required'
  | 'invalid_duration'
  | 'break_glass_too_long';

/** A refusal of a break-glass request: the message says what to change. */
export class BreakGlassRefused extends JitgateError {
  constructor(...refusal: [...StatusAndCode<RefusalCode>, string]) {
    super(...refusal);
    this.name = 'BreakGlassRefused';
  }
}

/** Whether `policy.breakGlass` names `subject`: its kinds, then its users or groups. */
function namedBy(subject: Subject, rule: BreakGlassRule): boolean {
  if (!rule.kinds.includes(subject.kind)) return false;
  if (rule.groups.some((group) => subject.groups.includes(group))) return true;
  const names = [subject.id, subject.username, subject.email]
    .filter((name): name is string => typeof name === 'string')
    .map((name) => name.toLowerCase());
  return rule.users.some((user) => names.includes(user.toLowerCase()));
}

/**
 * Policies that let `subject` break the glass on `resourceId` (in config order). Asked through
 * the authorization module (`Authorization.breakGlassPolicies`), which holds the config.
 */
export function breakGlassPoliciesFor(
  subject: Subject,
  resourceId: string,
  policies: readonly PolicyConfig[],
): BreakGlassPolicy[] {
  return policies.filter(
    (policy): policy is BreakGlassPolicy =>
      policy.breakGlass !== undefined &&
      policy.resources.includes(resourceId) &&
      subjectMatches(subject, policy) &&
      namedBy(subject, policy.breakGlass),
  );
}

/**
 * Checks a break-glass request against the policies that let `subject` break the glass on its
 * resource (`allowing`, from the authorization module) and resolves the one that applies, or
 * throws the reason it is refused. The step-up is asked last, so a request that would be refused
 * anyway says why rather than sending the person through MFA first.
 */
export function checkBreakGlass(
  subject: Subject,
  input: BreakGlassInput,
  allowing: readonly BreakGlassPolicy[],
  assurance: Assurance,
): { policy: BreakGlassPolicy; incident: string; reason: string } {
  const policy = allowing[0];
  if (!policy)
    throw new BreakGlassRefused(
      403,
      'break_glass_not_allowed',
      `no policy lets ${subject.username} break the glass on ${input.resourceId}`,
    );
  const rule = policy.breakGlass;
  const incident = input.incident?.trim() ?? '';
  if (incident === '')
    throw new BreakGlassRefused(
      400,
      'incident_required',
      `breaking the glass needs an incident reference matching ${rule.incidentPattern}`,
    );
  if (incident.length > MAX_INCIDENT_CHARS || !matchesPattern(rule.incidentPattern, incident))
    throw new BreakGlassRefused(
      400,
      'incident_invalid',
      `the incident reference must match ${rule.incidentPattern} (policy ${policy.id})`,
    );
  const reason = cleanReason(input.reason);
  if (reason === null)
    throw new BreakGlassRefused(400, 'reason_required', 'breaking the glass needs a reason');
  if (reason.length > MAX_REASON_CHARS)
    throw new BreakGlassRefused(
      400,
      'reason_required',
      `the reason may be at most ${MAX_REASON_CHARS} characters`,
    );
  if (!Number.isSafeInteger(input.durationMs) || input.durationMs <= 0)
    throw new BreakGlassRefused(400, 'invalid_duration', 'the duration must be positive');
  if (input.durationMs > rule.maxDuration)
    throw new BreakGlassRefused(
      400,
      'break_glass_too_long',
      `break-glass access lasts at most ${formatDuration(rule.maxDuration)} under policy ${policy.id}`,
    );
  requireStepUp('break_glass', true, assurance);
  return { policy, incident, reason };
}

/** When the review of a break-glass grant made at `now` under `policy` is due. */
export const reviewDueAt = (policy: BreakGlassPolicy, now: number): number =>
  now + policy.breakGlass.reviewWithin;

/** Whether a review is overdue at `now`. */
export const isReviewOverdue = (record: BreakGlassRecord, now: number): boolean =>
  record.review === null && record.reviewDueAt <= now;
