/**
 * What the extension keeps, and where. The worker can be stopped at any time, so everything it
 * knows lives in `storage.session` (memory, trusted contexts only, gone with the browser) under
 * these keys; only the jitgate URL is kept in `storage.local`. Tokens and credentials never
 * leave the worker: the popup reads the snapshot, which holds neither.
 */

export const KEYS = {
  settings: 'settings',
  session: 'session',
  pendingAuth: 'pendingAuth',
  snapshot: 'snapshot',
  carried: 'carried',
  pendingBreakGlass: 'pendingBreakGlass',
} as const;

export interface Settings {
  jitgateUrl: string;
}

export interface SignedIn {
  origin: string;
  username: string;
  token: string;
  tokenExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
}

export interface PendingAuth {
  origin: string;
  state: string;
  verifier: string;
  redirectUri: string;
  startedAt: number;
}

/** An emergency access that waits for the MFA step-up sign-in, sent once it completes. */
export interface PendingBreakGlass {
  resource: string;
  incident: string;
  reason: string;
  duration: string;
  startedAt: number;
}

export type AccessState = 'none' | 'pending' | 'active' | 'denied';

export interface ResourceView {
  id: string;
  name: string;
  description: string | null;
  /** The app's origin (web resources), else null. */
  origin: string | null;
  loginPath: string | null;
  state: AccessState;
  grant: string | null;
  request: string | null;
  endsAt: number | null;
  /** The approver's comment of a denied request. */
  comment: string | null;
  requestable: boolean;
  maxDurationMs: number;
  requireReason: boolean;
  ticketPattern: string | null;
  /** The Emergency access a policy allows here (the server decides), or null. */
  breakGlass: { maxDurationMs: number; incidentPattern: string } | null;
}

/** A break-glass grant waiting for my review. */
export interface ReviewView {
  grant: string;
  resource: string;
  person: string;
  incident: string;
  reviewDueAt: number;
  overdue: boolean;
}

export interface ApprovalView {
  id: string;
  resource: string;
  requester: string;
  reason: string | null;
  duration: string;
}

export interface Snapshot {
  username: string;
  origin: string;
  resources: ResourceView[];
  approvals: ApprovalView[];
  /** Break-glass grants waiting for my review: the popup's banner. */
  reviews: ReviewView[];
  updatedAt: number;
  /** Something went wrong on the last refresh, in words. */
  problem: string | null;
}

/** A grant whose session credential the worker carries: the header rule and when to renew. */
export interface Carried {
  grant: string;
  resource: string;
  origin: string;
  ruleId: number;
  /** The credential itself, to rebuild the rule as app tabs come and go (session memory only). */
  header: string;
  value: string;
  credentialExpiresAt: number;
  endsAt: number;
}

export type CarriedMap = Record<string, Carried>;
