/**
 * The sentences decisions carry. Kept apart from the rules so the wording stays consistent and
 * the rules stay readable. People are named by username; pronouns are never guessed.
 */
import type { PolicyConfig } from '../config/schema.js';
import { formatDuration } from '../shared/duration.js';
import type { AccessWindow, Weekday } from './windows.js';

const ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const NAME: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** ['mon','tue','wed','thu','fri'] → "Mon–Fri"; ['sat','mon'] → "Mon, Sat". */
export function formatDays(days: readonly Weekday[]): string {
  const indexes = ORDER.flatMap((day, i) => (days.includes(day) ? [i] : []));
  const runs: number[][] = [];
  for (const i of indexes) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === i - 1) run.push(i);
    else runs.push([i]);
  }
  return runs
    .map((run) => {
      const names = run.map((i) => NAME[ORDER[i] ?? 'mon']);
      // Two days read better as a list than as a range ("Sat, Sun", not "Sat–Sun").
      return names.length > 2 ? `${names[0]}–${names[names.length - 1]}` : names.join(', ');
    })
    .join(', ');
}

/** "Mon–Fri 07:00–19:00 Europe/Berlin", several joined with "or". */
export function formatWindows(windows: readonly AccessWindow[]): string {
  return windows.map((w) => `${formatDays(w.days)} ${w.from}–${w.to} ${w.timeZone}`).join(' or ');
}

/** "approvers", "approvers or security". */
export const formatGroups = (groups: readonly string[]) => groups.join(' or ');

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const text = {
  noPolicy: (user: string, resource: string) =>
    `denied: no policy lets ${user} request ${resource}`,
  badDuration: () => 'denied: the duration must be a positive whole number of milliseconds',
  startInPast: () => 'denied: the scheduled start is in the past',
  startTooFar: (limitDays: number) =>
    `denied: the scheduled start is more than ${limitDays} days ahead`,
  tooLong: (durationMs: number, policy: PolicyConfig) =>
    `denied: ${formatDuration(durationMs)} is longer than the ${formatDuration(policy.maxDuration)} policy ${policy.id} allows`,
  reasonMissing: (policy: PolicyConfig) => `denied: policy ${policy.id} requires a reason`,
  reasonTooLong: (limit: number) => `denied: the reason is longer than ${limit} characters`,
  ticketMissing: (policy: PolicyConfig, pattern: string) =>
    `denied: policy ${policy.id} requires a ticket matching ${pattern}`,
  ticketMismatch: (policy: PolicyConfig, pattern: string) =>
    `denied: the ticket does not match ${pattern} as policy ${policy.id} requires`,
  vendorWindow: (user: string, windows: readonly AccessWindow[]) =>
    `denied: ${user} is a vendor and the window is ${formatWindows(windows)}`,
  outsideWindow: (user: string, policy: PolicyConfig) =>
    `denied: policy ${policy.id} lets ${user} start access only ${formatWindows(policy.windows)}`,
  autoOnly: (policy: PolicyConfig, why: string) =>
    `denied: policy ${policy.id} approves only automatically, and ${why}`,
  autoApproved: (durationMs: number, policy: PolicyConfig, capMs: number) =>
    `auto-approved by policy ${policy.id}: ${formatDuration(durationMs)} is within its ${formatDuration(capMs)} auto-approve limit`,
  needsApproval: (policy: PolicyConfig, count: number, groups: readonly string[]) =>
    `needs ${plural(count, 'approval')} from ${formatGroups(groups)} (policy ${policy.id})`,
  notAuto: (why: string) => `not auto-approved: ${why}`,
  vendorNeverAuto: (user: string) => `${user} is a vendor and vendors always need approval`,
  vendorRecorded: (user: string) => `sessions are recorded because ${user} is a vendor`,
  windowCuts: () => 'access ends early, when the access window closes',
  autoTooLong: (durationMs: number, capMs: number) =>
    `${formatDuration(durationMs)} is longer than the ${formatDuration(capMs)} auto-approve limit`,
  autoKind: (user: string, kind: string) => `auto-approval is not for a ${kind} like ${user}`,
  autoGroup: (user: string, groups: readonly string[]) =>
    `${user} is not in ${formatGroups(groups)}, which auto-approval requires`,
  autoReason: (pattern: string) => `the reason does not match ${pattern}`,
  autoTicket: (pattern: string) => `the ticket does not match ${pattern}`,
  selfApproval: () => 'a person cannot approve their own request',
  noApprovers: (policy: PolicyConfig) => `policy ${policy.id} takes no approvals`,
  notApprover: (user: string, policy: PolicyConfig, groups: readonly string[]) =>
    `${user} is not in ${formatGroups(groups)}, who approve for policy ${policy.id}`,
  alreadyApproved: (user: string) => `${user} has already approved this request`,
  enoughApprovals: (count: number) =>
    `the request already has the ${plural(count, 'approval')} it needs`,
  mayApprove: (user: string, nth: number, count: number, groups: readonly string[]) =>
    `${user} may approve as a member of ${formatGroups(groups)} (approval ${nth} of ${count})`,
};
