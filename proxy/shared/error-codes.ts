/**
 * The one table of error codes. Every refusal jitgate answers with carries one of these codes,
 * in the `X-Jitgate-Error` header and the body, sent with a status the table lists for it (a few
 * codes are sent with two statuses, each with its own meaning). Codes are a stable contract:
 * clients match them, so a code is never renamed or reused, only added. docs/api.md's table is
 * generated from this one (`npm run docs:errors`; a unit test keeps the two equal).
 */
export const ERROR_CODES = {
  // The HTTP edge: malformed requests and bodies, routes that do not exist.
  bad_request: {
    400: 'malformed HTTP, a request target that is not a path, a `CONNECT`, an upgrade that is not a WebSocket `GET`, or a body that cannot be read',
    415: 'a body in a character set or content encoding jitgate does not read',
  },
  too_many_headers: {
    431: 'a request with more than 100 header lines (the common limit of Envoy, Apache and HAProxy; browsers send about 20)',
  },
  invalid_json: { 400: 'the body is not JSON' },
  invalid_body: { 400: 'a field is missing, unknown or has the wrong form (the message names it)' },
  invalid_query: { 400: 'a query parameter has the wrong form (e.g. `scope`)' },
  body_too_large: {
    413: 'request body over 64 KiB (API routes; 4 MiB for a target agent’s `/ssh/standing-report`)',
  },
  dot_segment: {
    400: 'app host: a request path with a `.` or `..` segment (also as `%2e`, or between `\\`, `%2f` or `%5c`, or before a `;`), which the app could resolve to outside its upstream path; browsers never send one',
  },
  not_found: { 404: 'no such route' },
  internal_error: { 500: 'a fault in jitgate; see the log line with the request id' },
  starting: { 503: 'jitgate is still starting' },
  config_invalid: {
    500: 'startup refused: the config file has problems (all listed, each with its path); never an HTTP answer',
  },

  // Signing in: the login, sessions, bearer tokens, CSRF.
  unknown_idp: {
    400: '`/auth/login?idp=` names no configured IdP',
    404: '`/auth/saml/ID/…` names no configured SAML IdP',
  },
  login_expired: { 400: "the callback's state is unknown, already used, or older than 10 minutes" },
  invalid_redirect: { 400: '`/auth/app` with an `rd` that is not an app jitgate fronts' },
  handoff_refused: {
    400: 'app host `/.jitgate/auth`: the code is unknown, used, expired, for another app, or was started in another browser (body has `loginUrl`)',
  },
  login_failed: {
    401: 'the IdP refused, or the answer failed a check (nonce, issuer, PKCE, signature)',
  },
  oidc_callback_mismatch: {
    401: "OIDC callback: the answer came on another IdP's path (/auth/callback/<idp>) than its login started with",
  },
  idp_unavailable: {
    502: "the identity provider (or a SAML IdP's `metadataUrl`) could not be reached for login (the log line names it and why)",
  },
  unauthenticated: {
    401: 'no live session or bearer token (app hosts: the body has `loginUrl`)',
  },
  invalid_token: {
    401: 'a `Bearer` that is not a live jitgate token (unknown, expired or revoked), or a machine JWT with a bad signature, issuer, audience or expiry',
  },
  admin_required: { 401: 'admin route without a valid admin token' },
  csrf_refused: {
    403: "a cookie call that changes something without the portal's Origin and a JSON content type, or a portal form without this session's CSRF token",
  },
  session_required: {
    403: '`POST /api/v1/tokens` with a bearer token: tokens are issued to portal sessions only',
  },
  token_required: {
    403: '`DELETE /api/v1/tokens/current` or the extension sign-out without a bearer token',
  },
  store_unavailable: {
    503: 'the store could not be read or written (unreachable, or past `storage.postgres.statementTimeout`); nothing is let through',
  },
  rate_limited: {
    429: 'sign-in starts or failures from this client address passed their limit, or one person started more app handoffs (100), CLI or extension sign-ins (10) in a minute than anyone needs; `Retry-After` and `retryAfter` say when to try again',
  },
  grant_book_stale: {
    503: 'this replica lost its PostgreSQL change feed for more than 1 s and cannot know whether a grant was revoked elsewhere; it admits nobody until it has reconnected and reloaded. Also when it found no grant and could not catch up with the feed within 1 s to see whether one was just made elsewhere (docs/deployment.md)',
  },
  busy: {
    503: 'too many handoff, CLI or extension sign-in codes outstanding at once (everyone together; one person alone is held to `rate_limited` first); try again shortly',
  },

  // SAML sign-in: what the assertion consumer service (ACS) refuses.
  saml_malformed: {
    400: 'SAML ACS: not a SAML response (bad base64 or XML, a DTD, no assertion, an encrypted assertion, no NameID or bearer confirmation)',
  },
  saml_idp_refused: {
    401: 'SAML ACS: the IdP answered with a status other than Success (the page shows its status word)',
  },
  saml_unsigned: {
    401: "SAML ACS: a signature the IdP's config requires (`wantAssertionsSigned`, `wantResponseSigned`) is missing",
  },
  saml_bad_signature: {
    401: "SAML ACS: a signature does not verify with the IdP's certificates",
  },
  saml_signature_wrapping: {
    401: 'SAML ACS: XML signature wrapping (several assertions, a signature not on its own parent, a repeated ID)',
  },
  saml_nameid_markup: { 401: 'SAML ACS: the NameID holds a comment, CDATA or an element' },
  saml_transient_nameid: {
    401: 'SAML ACS: the NameID is transient (a new one each login), so it names no person',
  },
  saml_wrong_issuer: { 401: 'SAML ACS: the Issuer is not this IdP' },
  saml_wrong_destination: { 401: 'SAML ACS: Destination or Recipient is not this ACS' },
  saml_wrong_audience: { 401: 'SAML ACS: the assertion is for another entity ID' },
  saml_expired: {
    401: 'SAML ACS: the assertion or its bearer confirmation has expired (beyond `clockSkew`)',
  },
  saml_not_yet_valid: { 401: 'SAML ACS: the assertion is not valid yet (beyond `clockSkew`)' },
  saml_unknown_request: {
    401: "SAML ACS: InResponseTo names no request this browser started (unknown, expired, answered, or another browser's)",
  },
  saml_unsolicited: {
    401: 'SAML ACS: an IdP-initiated answer to an IdP without `allowIdpInitiated`',
  },
  saml_replayed: { 401: 'SAML ACS: the assertion was used before' },
  saml_invalid: { 401: 'SAML ACS: another check of the SAML library failed' },

  // Second factors and step-up.
  mfa_required: {
    403: 'the action needs a fresh MFA step-up: send the person to `stepUpUrl` (in the body), then retry',
  },
  mfa_code_invalid: {
    400: 'MFA pages: the code or recovery code is wrong, malformed or already used',
  },
  webauthn_refused: {
    400: 'passkey pages: the answer is not valid, its challenge is unknown, expired or used, the credential is not one of yours, or its counter went back',
  },
  mfa_not_enrolled: { 409: 'a step-up asked of a person who has no second factor yet' },
  unknown_factor: {
    404: 'MFA pages: no such second factor of yours (or its enrollment was replaced)',
  },
  mfa_locked_out: {
    429: 'MFA pages: too many failed attempts; step-up is locked for `mfa.lockout`',
  },

  // Requests and approvals.
  invalid_duration: {
    400: 'a duration that is not like `30m`, or outside 1s–7d (admin grants); a duration longer than requested (approvals)',
  },
  invalid_start: { 400: 'portal request form: the start time is not a date and time' },
  invalid_request_id: { 400: 'not of the form `req_…`' },
  comment_required: { 400: 'a denial without a comment: the requester reads why' },
  policy_denied: {
    403: 'no policy allows this request (body has `reasons`)',
    409: 'at approval time, policy no longer allows the request (e.g. outside its access window; body has `reasons`)',
  },
  not_an_approver: {
    403: 'not allowed to decide this request (own request, not in the approval groups, already approved; body has `reasons`) or to revoke this grant',
  },
  unknown_request: { 404: 'no such request (or, for cancel, not yours)' },
  unknown_user: { 404: 'the person has never logged in' },
  unknown_resource: { 404: 'no such resource in the config' },
  ambiguous_user: {
    409: 'the name matches several staff members, or only a vendor or machine; use the user id',
  },
  request_pending: { 409: 'you already have a pending request for this resource' },
  request_expired: { 409: 'the request was not answered before its deadline' },
  request_not_pending: {
    409: 'the request was already approved, denied or cancelled (an expired one answers request_expired)',
  },
  request_not_overdue: {
    409: 'the expiry sweep met a request that is not overdue (answered meanwhile); it is left as it is',
  },
  too_many_streams: { 429: 'more than 10 open event streams for one person' },
  too_many_terminals: {
    429: 'one more terminal session than `terminal.maxSessionsPerPerson` allows one person on this process',
  },

  // Break-glass: emergency self-grants and their post-hoc reviews (docs/access-reviews.md).
  incident_required: {
    400: "break-glass without an incident reference (the message gives the policy's pattern)",
  },
  incident_invalid: {
    400: "the incident reference does not match the policy's `breakGlass.incidentPattern`",
  },
  reason_required: {
    400: 'break-glass without a reason, or with one too long (the message says the limit)',
  },
  break_glass_too_long: {
    400: "break-glass longer than the policy's `breakGlass.maxDuration` (the message says the cap)",
  },
  break_glass_not_allowed: {
    403: "no policy's `breakGlass` names you (and your identity kind) for this resource",
  },
  not_a_reviewer: {
    403: 'reviewing a break-glass grant: your own, or you do not approve for its policy',
  },
  already_reviewed: { 409: 'the break-glass grant was reviewed already' },
  break_glass_live: {
    409: 'you already hold a live break-glass grant for this resource (the message says until when); release it to break the glass again',
  },

  // Target agents reporting standing privilege.
  agent_token_invalid: {
    401: "`/ssh/standing-report` without the `Bearer` of the named SSH resource's `agentToken` (or it has none, or no such resource)",
  },

  // Grants and reaching resources.
  invalid_grant_id: { 400: 'not of the form `grt_…`' },
  unknown_grant: {
    404: 'no such grant (or, for release and credentials, not your live grant of that kind of resource)',
  },
  grant_outside_policy: {
    409: 'admin grant: no policy covers the user for the resource, or not for this long; send `"force": true` to grant anyway',
  },
  grant_not_live: {
    409: 'the grant has already ended: the message says how and when, and nothing changes (for credentials: it is not active now)',
  },
  no_grant: {
    403: 'logged in, but no live grant for this resource (body has `resource`, `requestUrl`)',
  },
  foreign_origin: {
    403: "a WebSocket upgrade whose `Origin` is not the app's own (terminals: not the portal's)",
  },
  upstream_unavailable: {
    502: 'the app did not answer; jitgate itself is fine. Also for an answer jitgate cannot relay (not HTTP, or a `100 Continue` the request did not ask for), and a WebSocket upgrade the app reset, closed or answered with something that is not HTTP',
  },
  credential_refused: {
    403: 'app host: a session credential that is forged, expired, for another origin, or cross-site',
  },
  credential_cross_origin: {
    403: 'app host: a session credential on a request another origin started (`Sec-Fetch-Site` not same-origin, or a foreign `Origin`)',
  },
  no_form_login: { 404: '`form-credential` for a resource without `formLogin`' },
  invalid_connect_request: {
    400: '`/extension/connect` without an extension callback `redirect_uri`, a `state` or a challenge',
  },
  invalid_cli_request: {
    400: '`/cli/authorize` without a loopback `redirect_uri`, a `state` or an S256 challenge',
  },
  invalid_grant: {
    400: '`/cli/token` or `/api/v1/extension/token`: the code or refresh token is unknown, used or expired, or the verifier or redirect differs',
  },

  // Minted credentials.
  no_credentials: { 400: "the grant's resource hands out no credential (a web app)" },
  not_ssh: { 400: '`ssh-cert` for a grant that is not for an SSH resource' },
  unknown_login: { 400: '`ssh-cert` with a login the resource does not list' },
  invalid_public_key: { 400: '`ssh-cert` with a key that cannot be certified' },
  direct_access_off: {
    403: '`ssh-cert` for a resource without `directAccess` (reached only through the recorded relay)',
  },
  credential_unavailable: {
    503: 'the admin URL of a postgres resource is not set or not a `postgresql://` URL',
  },
  database_not_isolated: {
    503: 'a postgres resource where PUBLIC may connect to other databases, create temporary tables or create in schema public: no role is minted until that is revoked (or `allowPublicPrivileges`)',
  },
  credential_failed: {
    503: 'the database refused to create, re-key or drop the role (SQLSTATE in the log)',
  },

  // Terminals, recordings, auditors.
  login_required: {
    400: 'a terminal on a resource with several logins: say which (`?login=`; the message lists them)',
  },
  login_not_allowed: { 403: 'a terminal login the resource does not list in `logins`' },
  recording_unavailable: {
    503: 'the resource (or policy, or a vendor) requires recording and the recording cannot start: no session',
  },
  admin_role_required: {
    403: "ending another person's sessions is for members of the admin groups (or the admin token)",
  },
  auditor_required: {
    403: 'the audit log and web session trails are open to members of `auditors.groups` only (terminal sessions: auditors and admins)',
  },
  unknown_session: { 404: 'no such terminal session' },
  session_not_live: {
    404: 'watching a terminal session that is not running',
    409: 'terminating a terminal session that has already ended',
  },
  session_holder_gone: {
    409: 'watching or terminating a terminal session whose replica has stopped (no heartbeat for 5 s): nobody holds it until that replica recovers and ends it',
  },
  session_end_unconfirmed: {
    504: 'a terminate was recorded for the replica running the session, which did not end it within 5 s (it still will when it hears)',
  },
  no_recording: { 404: 'the session was not recorded (or its recording is not finished)' },
  no_signature: { 404: 'the recording failed, so it was never sealed' },
  recording_in_progress: {
    409: 'the session is still running; its recording is not sealed yet',
  },
  invalid_audit_event: {
    400: 'an audit event that cannot be recorded (unknown code, a field too long or not text); the action it records fails with it',
  },
} as const satisfies Record<string, Readonly<Partial<Record<number, string>>>>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The statuses the table lets `C` be sent with (for a union of codes: any of theirs). */
export type StatusOf<C extends ErrorCode> = C extends ErrorCode
  ? keyof (typeof ERROR_CODES)[C] & number
  : never;

/** The codes the table lets be sent with status `S`. */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: S extends StatusOf<C> ? C : never;
}[ErrorCode];

export const isErrorCode = (value: string): value is ErrorCode => Object.hasOwn(ERROR_CODES, value);

/** Every (status, code, meaning), by status and then in table order: the rows of the docs. */
export function errorRows(): { status: number; code: ErrorCode; meaning: string }[] {
  const rows = Object.entries(ERROR_CODES).flatMap(([code, statuses]) =>
    Object.entries(statuses).map(([status, meaning]) => ({
      status: Number(status),
      code: code as ErrorCode,
      meaning,
    })),
  );
  // Array.prototype.sort is stable: equal statuses keep the table's order.
  return rows.sort((a, b) => a.status - b.status);
}
