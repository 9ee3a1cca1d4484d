/**
 * The proxy's JSON as the extension reads it (docs/api.md). Only types: the extension talks to
 * the proxy over HTTP and imports nothing from it. Fields the extension ignores are left out.
 */

export interface ResourceJson {
  id: string;
  kind: string;
  name: string;
  description: string | null;
  url: string | null;
  formLogin?: { loginPath: string } | null;
  access:
    | { state: 'none' }
    | { state: 'pending'; request: string }
    | { state: 'active'; grant: string; endsAt: string };
  policy: {
    requestable: boolean;
    maxDuration: string;
    maxDurationMs: number;
    requireReason: boolean;
    ticketPattern: string | null;
    needsApproval: boolean;
    reasons: string[];
  };
  /** Emergency access a policy allows me here (the server's decision), or null. */
  breakGlass: { maxDuration: string; maxDurationMs: number; incidentPattern: string } | null;
}

/**
 * A person as the proxy describes them: username, name and email are what their IdP sent (a
 * vendor's IdP may send anything); `idp` and `kind` are the proxy's own facts.
 */
export interface PersonJson {
  username: string;
  name: string | null;
  email: string | null;
  idp: string;
  kind: 'person' | 'vendor' | 'machine';
}

/** A break-glass grant waiting for my review (GET /break-glass/reviews). */
export interface BreakGlassReviewJson {
  grant: string;
  resource: string;
  incident: string;
  reason: string;
  reviewDueAt: string;
  overdue: boolean;
  person: PersonJson | null;
}

export interface RequestJson {
  id: string;
  resource: string;
  state: string;
  duration: string;
  reason: string | null;
  ticket: string | null;
  comment: string | null;
  createdAt: string;
  requester: PersonJson | null;
}

export interface TokenAnswer {
  token: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
}

export interface SessionCredentialAnswer {
  grant: string;
  origin: string;
  header: string;
  value: string;
  expiresAt: string;
}

export interface FormCredentialAnswer {
  grant: string;
  origin: string;
  loginPath: string;
  selectors: { username: string; password: string; submit: string };
  username: string;
  password: string;
}

export interface ErrorAnswer {
  error: { code: string; message: string; stepUpUrl?: string; reasons?: string[] };
}
