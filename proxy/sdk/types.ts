/**
 * The JSON shapes of the jitgate API as the SDK returns them (docs/api.md). Derived from the
 * server's own serializers, so client and server cannot drift apart unnoticed.
 */
import type { reportJson } from '../api/access-report-json.js';
import type { CredentialJson } from '../credentials/credential-service.js';
import type { breakGlassJson } from '../api/break-glass-json.js';
import type { decisionJson, grantJson, RequestJson } from '../api/json.js';

export type GrantInfo = ReturnType<typeof grantJson>;
export type BreakGlassInfo = ReturnType<typeof breakGlassJson>;
export type AccessReportInfo = ReturnType<typeof reportJson>;

/** An access review's question: a period (dates or ISO times), a resource and/or a person. */
export interface AccessReportQuery {
  resource?: string;
  /** An id, username or email. */
  user?: string;
  from?: string;
  to?: string;
}
export type RequestInfo = RequestJson;
export type DecisionInfo = ReturnType<typeof decisionJson>;
export type Credential = CredentialJson;

export interface ResourceInfo {
  id: string;
  kind: string;
  name: string;
  description: string | null;
  url: string | null;
  access:
    | { state: 'active'; grant: string; endsAt: string }
    | { state: 'pending'; request: string }
    | { state: 'none' };
  policy: {
    requestable: boolean;
    maxDuration: string;
    maxDurationMs: number;
    requireReason: boolean;
    ticketPattern: string | null;
    needsApproval: boolean;
    reasons: string[];
  };
}

export interface Me {
  user: {
    id: string;
    username: string;
    email: string | null;
    name: string | null;
    groups: string[];
    kind: 'person' | 'vendor' | 'machine';
  };
  via: 'session' | 'token' | 'machine';
}

export interface CreatedRequest {
  request: RequestInfo;
  grant: GrantInfo | null;
  decision: DecisionInfo;
}

export interface NewRequest {
  resource: string;
  /** "30m", "1h30m". */
  duration: string;
  reason?: string;
  ticket?: string;
}

export interface NewBreakGlass {
  resource: string;
  /** "15m"; at most the policy's breakGlass.maxDuration. */
  duration: string;
  incident: string;
  reason: string;
}
