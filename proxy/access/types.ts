/**
 * The access domain's shared vocabulary: who asks, what policy decides, and the life of a
 * request. Pure types; the policy engine, the request service, the API and the portal all speak
 * these.
 */
import type { IdentityKind } from '../store/types.js';

/** The person or machine a decision is about. */
export interface Subject {
  id: string;
  username: string;
  email: string | null;
  groups: readonly string[];
  kind: IdentityKind;
  /** Claims kept from the IdP for policy conditions (string values only). */
  claims: Readonly<Record<string, string>>;
}

/**
 * What tells two people apart: one person is one id, or one email across identity providers (the
 * same person signed in through a second IdP).
 */
export type Person = Pick<Subject, 'id' | 'email'>;

export interface RequestInput {
  resourceId: string;
  durationMs: number;
  reason: string | null;
  ticket: string | null;
  /** Scheduled start (epoch ms); null = as soon as allowed. */
  startAt: number | null;
}

export type Outcome = 'denied' | 'needs_approval' | 'auto_approved';

/** What policy says about one request; `reasons` are sentences a person can read. */
export interface RequestDecision {
  outcome: Outcome;
  /** The policy that allowed it (undefined when denied). */
  policyId?: string;
  reasons: string[];
  /** Longest grant this policy allows, and the cap for auto-approval when that applies. */
  maxDurationMs: number;
  /** Approvals still needed (0 when auto-approved or denied). */
  approvalsRequired: number;
  approverGroups: string[];
  /** Step-up MFA this policy asks for, per action (issue "MFA" enforces them). */
  mfa: { request: boolean; approve: boolean; terminal: boolean };
  /** Whether sessions under the grant must be recorded. */
  recording: 'required' | 'optional';
  /** The grant may not outlast the current access window (epoch ms), when the policy has one. */
  windowEndsAt: number | null;
}

export interface ApproverDecision {
  allowed: boolean;
  reasons: string[];
}

export type RequestState = 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';

export interface Approval {
  approverId: string;
  decision: 'approve' | 'deny';
  comment: string | null;
  at: number;
  /** Shorter duration set by this approver, if any. */
  durationMs: number | null;
}
