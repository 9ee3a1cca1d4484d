/**
 * The conditions policies put on people and texts: who the subject is (groups, kind, user,
 * claims) and whether a reason or ticket matches a configured pattern. Pure.
 */
import type { PolicyConfig } from '../config/schema.js';
import { inAnyGroup } from './groups.js';
import { text } from './policy-text.js';
import type { RequestInput, Subject } from './types.js';

/** Longest reason accepted, in characters after trimming. */
export const MAX_REASON_CHARS = 1000;
/** Longer tickets never match: it bounds the work a configured pattern can be made to do. */
export const MAX_TICKET_CHARS = 200;

/**
 * Whether `policy.subjects` lets `subject` request: every condition given must hold. Users are
 * matched by user id, username or email, case-insensitively. A username or email is whatever
 * an IdP sends, so `kinds` (or a user id) is what keeps a vendor named "alice" out; with several
 * IdPs of one kind, only a user id names one account (startup-warnings.ts says so).
 */
export function subjectMatches(subject: Subject, policy: PolicyConfig): boolean {
  const { groups, kinds, users, claims } = policy.subjects;
  if (!kinds.includes(subject.kind)) return false;
  if (groups.length > 0 && !inAnyGroup(subject, groups)) return false;
  if (users.length > 0) {
    const names = [subject.id, subject.username, subject.email]
      .filter((name): name is string => typeof name === 'string')
      .map((name) => name.toLowerCase());
    if (!users.some((user) => names.includes(user.toLowerCase()))) return false;
  }
  return Object.entries(claims).every(([claim, wanted]) => {
    const value = subject.claims[claim];
    if (value === undefined) return false;
    return Array.isArray(wanted) ? wanted.includes(value) : wanted === value;
  });
}

// Patterns are compiled once per distinct source; the config holds few of them.
const compiled = new Map<string, RegExp | null>();

/** Whether `value` matches the configured `pattern`. An uncompilable pattern matches nothing. */
export function matchesPattern(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern);
    } catch {
      regex = null; // the schema rejects these; fail closed if one slips through
    }
    compiled.set(pattern, regex);
  }
  return regex !== null && regex.test(value);
}

/** The reason as the rules see it: trimmed, null when blank. */
export function cleanReason(reason: string | null): string | null {
  const trimmed = reason?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** The ticket as the rules see it: trimmed, null when blank. */
export function cleanTicket(ticket: string | null): string | null {
  const trimmed = ticket?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** Whether a (clean) ticket satisfies `pattern`; overlong tickets are never tested. */
export function ticketMatches(pattern: string, ticket: string | null): boolean {
  return ticket !== null && ticket.length <= MAX_TICKET_CHARS && matchesPattern(pattern, ticket);
}

/** Null without an autoApprove rule; else the cap when it applies, or why it does not. */
export function autoApproval(
  subject: Subject,
  input: RequestInput,
  policy: PolicyConfig,
): { capMs?: number; why?: string } | null {
  const rule = policy.autoApprove;
  if (!rule) return null;
  const user = subject.username;
  // Vendors always need a person to say yes, however narrow the rule.
  if (subject.kind === 'vendor') return { why: text.vendorNeverAuto(user) };
  const capMs = Math.min(rule.maxDuration, policy.maxDuration);
  if (input.durationMs > capMs) return { why: text.autoTooLong(input.durationMs, capMs) };
  if (rule.kinds.length > 0 && !rule.kinds.some((kind) => kind === subject.kind)) {
    return { why: text.autoKind(user, subject.kind) };
  }
  if (rule.groups.length > 0 && !inAnyGroup(subject, rule.groups)) {
    return { why: text.autoGroup(user, rule.groups) };
  }
  const reason = cleanReason(input.reason);
  if (rule.reasonPattern !== undefined) {
    if (reason === null || !matchesPattern(rule.reasonPattern, reason)) {
      return { why: text.autoReason(rule.reasonPattern) };
    }
  }
  if (rule.ticketPattern !== undefined) {
    if (!ticketMatches(rule.ticketPattern, cleanTicket(input.ticket))) {
      return { why: text.autoTicket(rule.ticketPattern) };
    }
  }
  return { capMs };
}
