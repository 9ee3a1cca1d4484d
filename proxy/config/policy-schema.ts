/**
 * Policies: who may request which resources, for how long, with what justification, approved by
 * whom, inside which access windows, under which MFA and recording rules.
 */
import { z } from 'zod';
import { duration, slug } from './primitives.js';

const KIND = z.enum(['person', 'vendor', 'machine']);
const WEEKDAY = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
/** Policies may not reach for a longer auto-approval than this, whatever their maxDuration. */
export const AUTO_APPROVE_CAP_MS = 4 * 3_600_000;
/** The default of policies[].maxDuration; cross-check.ts compares against it too. */
export const POLICY_DEFAULT_MAX_DURATION = '1h';
/** A break-glass grant never lasts longer than this, whatever a policy says. */
export const BREAK_GLASS_CAP_MS = 3_600_000;

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// Patterns run against text people type; the length cap keeps them reviewable and cheap.
const pattern = z.string().min(1).max(200).refine(compiles, 'must be a valid regular expression');

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as "08:00" (24-hour clock)');

const accessWindow = z
  .object({
    days: z.array(WEEKDAY).min(1).describe('Days the window opens on (mon … sun).'),
    from: timeOfDay.describe('Local time the window opens, e.g. "08:00".'),
    to: timeOfDay.describe(
      'Local time it closes. At or before "from" means the next day: 22:00–06:00 runs overnight.',
    ),
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Berlin"')
      .describe('IANA time zone of from and to, e.g. Europe/Berlin.'),
  })
  .strict();

const subjects = z
  .object({
    groups: z.array(slug).default([]).describe('Member of any of these groups; empty = any.'),
    kinds: z.array(KIND).min(1).default(['person']).describe('Identity kinds that may request.'),
    users: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Only these users (username, email or user id; with several IdPs of the allowed kinds, a user id: any of them can send a username or email); empty = anyone.',
      ),
    claims: z
      .record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))
      .default({})
      .describe('IdP claims that must equal the value (or one of the listed values).'),
  })
  .strict();

const approval = z
  .object({
    groups: z.array(slug).min(1).describe('Groups whose members may approve.'),
    count: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(1)
      .describe(
        'Distinct people needed; the requester never counts, and one person signed in through two identity providers (the same email) counts once.',
      ),
  })
  .strict();

const autoApprove = z
  .object({
    maxDuration: duration
      .refine((ms) => ms <= AUTO_APPROVE_CAP_MS, 'must be at most 4h')
      .describe('Longest request approved without an approver (at most 4h and maxDuration).'),
    kinds: z
      .array(
        KIND.exclude(['vendor'], {
          error: 'must be "person" or "machine": vendors always need approval',
        }),
      )
      .default([])
      .describe(
        'Only for these identity kinds; empty = any but vendors, who always need approval.',
      ),
    groups: z.array(slug).default([]).describe('Only for members of these groups; empty = any.'),
    reasonPattern: pattern
      .optional()
      .describe('The reason must match this regular expression (at most 200 characters).'),
    ticketPattern: pattern
      .optional()
      .describe('The ticket must match this regular expression (at most 200 characters).'),
  })
  .strict();

const breakGlass = z
  .object({
    users: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'People who may break the glass (username, email or user id; with several IdPs of the allowed kinds, a user id: any of them can send a username or email).',
      ),
    groups: z.array(slug).default([]).describe('Members of these groups may break the glass.'),
    kinds: z
      .array(KIND)
      .min(1)
      .default(['person'])
      .describe('Identity kinds that may: never vendors or machines unless listed here.'),
    incidentPattern: pattern.describe(
      'An incident reference must match this regular expression (at most 200 characters).',
    ),
    maxDuration: duration
      .refine((ms) => ms <= BREAK_GLASS_CAP_MS, 'must be at most 1h')
      .prefault('15m')
      .describe('Hard cap on a break-glass grant (at most 1h).'),
    reviewWithin: duration
      .prefault('24h')
      .describe('An approver (never the person) must review the grant within this long.'),
  })
  .strict()
  .refine((glass) => glass.users.length + glass.groups.length > 0, {
    message: 'name the users or groups who may break the glass',
    path: ['users'],
  });

export const policy = z
  .object({
    id: slug.describe('Stable id, shown in decisions.'),
    description: z.string().optional().describe('What the policy is for, shown to admins.'),
    resources: z.array(slug).min(1).describe('Resource ids this policy covers.'),
    subjects: subjects.prefault({}).describe('Who may request; every condition given must hold.'),
    maxDuration: duration
      .prefault(POLICY_DEFAULT_MAX_DURATION)
      .describe('Longest grant this policy allows.'),
    requireReason: z.boolean().default(true).describe('Whether a request needs a reason.'),
    ticketPattern: pattern
      .optional()
      .describe(
        'When set, a request needs a ticket matching this regular expression (at most 200 characters).',
      ),
    approval: approval
      .optional()
      .describe('Who approves and how many. A policy needs approval, autoApprove or both.'),
    autoApprove: autoApprove
      .optional()
      .describe('A narrow rule that approves without an approver. Never applies to vendors.'),
    mfa: z
      .object({
        request: z.boolean().default(false).describe('Step-up MFA to request.'),
        approve: z.boolean().default(true).describe('Step-up MFA to approve or deny.'),
        terminal: z.boolean().default(false).describe('Step-up MFA to open a terminal.'),
      })
      .strict()
      .prefault({})
      .describe('Step-up MFA per action.'),
    windows: z
      .array(accessWindow)
      .default([])
      .describe('Access windows a grant must start in and cannot outlast; none = any time.'),
    recording: z
      .enum(['required', 'optional'])
      .default('optional')
      .describe('Whether sessions must be recorded. Always required for vendors.'),
    pendingTimeout: duration
      .prefault('1h')
      .describe('A request nobody answers expires after this long.'),
    breakGlass: breakGlass
      .optional()
      .describe(
        'Emergency self-granting without an approver (incident, MFA step-up, short cap, post-hoc review by the approval groups).',
      ),
  })
  .strict()
  .refine((p) => p.breakGlass === undefined || p.approval !== undefined, {
    message: 'breakGlass needs approval: its approvers review each break-glass grant',
    path: ['breakGlass'],
  });
