/**
 * The one table of audit event codes. Codes are a stable contract: auditors filter on them, SIEM
 * rules match them and old events keep them forever, so a code is never renamed or reused —
 * only added. docs/audit.md lists every code here (a unit test keeps the two in step).
 */
export const AUDIT_CODES = {
  'config.loaded': 'The proxy started with a validated configuration.',
  'auth.login': 'A person or machine signed in through an identity provider.',
  'auth.login_failed': 'A sign-in was refused (bad state, IdP error, unknown or disabled user).',
  'auth.logout': 'A session was ended by its owner.',
  'auth.rate_limited':
    'A client reached a sign-in rate limit (starts or failures); until its window ends it gets 429 and its attempts are not audited one by one.',
  'mfa.enrolled': 'A second factor (TOTP or WebAuthn) was added to an account.',
  'mfa.removed': 'A second factor was removed from an account.',
  'mfa.succeeded': 'An MFA step-up was passed.',
  'mfa.failed': 'An MFA step-up was failed.',
  'mfa.locked_out': 'Too many failed MFA attempts: step-up is locked for a while.',
  'request.created': 'Someone asked for access to a resource, with a reason.',
  'request.auto_approved': 'Policy approved a request without a person (narrow auto-approve rule).',
  'request.approval_recorded': 'One approver approved a request that needs N approvals.',
  'request.approved': 'A request got all the approvals it needs.',
  'request.denied': 'An approver or policy denied a request.',
  'request.expired': 'A pending request was not answered in time.',
  'request.cancelled': 'The requester withdrew a pending request.',
  'grant.scheduled':
    'A grant was made to start later (data.startsAt); its grant.started follows when it starts.',
  'grant.started':
    'A grant became active: when it was made, or at its scheduled start (actor system); one that started while jitgate was down is recorded at the next start, and one whose record the store refused when it started is tried again every 2 s, both with recordedLate: true.',
  'grant.expired':
    'A grant reached its end time (data.endsAt); one that ended while jitgate was down is recorded at the next start, and one whose record the store refused when it ended is tried again every 2 s, both with recordedLate: true.',
  'grant.released': 'The grant holder ended a grant early.',
  'grant.revoked': 'An approver or admin ended a grant.',
  'grant.break_glass':
    'Someone granted themselves emergency access (break-glass) with an incident reference.',
  'break_glass.refused': 'A break-glass request was refused (no policy, incident, reason, cap).',
  'break_glass.reviewed':
    'An approver reviewed a break-glass grant: justified or not, with a comment.',
  'break_glass.review_overdue': 'A break-glass grant was not reviewed in time.',
  'token.issued': 'A bearer token was issued to a signed-in user (CLI, extension).',
  'token.revoked': 'A bearer token was revoked.',
  'auth.sessions_ended':
    'An admin ended every sign-in of a person at once: portal sessions, bearer tokens, pending sign-in codes (data: counts).',
  'session.started': 'A recorded session (web or terminal) under a grant started.',
  'session.ended': 'A recorded session ended.',
  'session.watched':
    'An auditor or admin started watching a live terminal session (read-only; target: the session; data.how: session or token).',
  'credential.minted': 'A short-lived credential (SSH certificate, database role) was created.',
  'credential.dropped': 'A short-lived credential was removed or expired.',
  'standing.reported':
    "An SSH target's agent reported its host's standing access (actor target-agent; target: the resource; data: resource, findings (a count), client (its address)).",
  'audit.exported': 'Audit events were exported.',
  'access_report.read': 'An auditor read or exported an access review (its filter in data).',
  'recording.viewed':
    "An auditor or admin replayed a finished terminal session recording in the portal's player (target: the resource; data: session, user (the person watched), via: player). Written before the recording is sent; no event, no replay.",
  'recording.exported':
    'A terminal session recording was downloaded (exported): by an auditor (data.via portal or api), or with jitgate recordings export on the state folder (actor admin-cli, data.via cli, data.osUser).',
  'trail.retention': 'Trail rows past their resource retention were deleted (counts per resource).',
  'trail.exported': "A grant's web session trail was exported (HAR or JSON lines).",
} as const satisfies Record<string, string>;

export type AuditCode = keyof typeof AUDIT_CODES;

/**
 * The reasons an `auth.login_failed` event gives (its `reason` field, also the error code the
 * browser sees). A contract like the codes above: SIEM rules match them, so a reason is never
 * renamed or reused, only added. docs/audit.md lists every one (a unit test keeps them in step).
 */
export const LOGIN_FAILURE_REASONS = {
  login_expired: "OIDC: the callback's state is unknown, already used or older than 10 minutes.",
  login_failed:
    'OIDC: the IdP refused, or its answer failed a check (state, nonce, issuer, PKCE, signature).',
  oidc_callback_mismatch:
    "OIDC: the answer came back on another IdP's callback path than its login started with (an IdP passing the person on to another: the mix-up attack); no code was redeemed.",
  unknown_idp: 'The login names an identity provider the configuration does not have.',
  idp_unavailable: 'The identity provider, or its SAML metadata, could not be reached.',
  internal_error: 'A fault in jitgate while checking the login (the log has the cause).',
  saml_malformed:
    'SAML: not a SAML response (bad base64 or XML, a DTD, no assertion, an encrypted assertion, no NameID or bearer confirmation).',
  saml_idp_refused: 'SAML: the IdP answered with a status other than Success.',
  saml_unsigned:
    'SAML: a signature the configuration requires (wantAssertionsSigned, wantResponseSigned) is missing.',
  saml_bad_signature:
    "SAML: a signature does not verify with the IdP's certificates (the XML was changed, or another key signed it).",
  saml_signature_wrapping:
    'SAML: the signed element is not the one that would be read (XML signature wrapping: several assertions, a signature not on its own parent, a repeated ID).',
  saml_nameid_markup:
    'SAML: the NameID holds a comment, CDATA or an element, not just text (the CVE-2017-11427 family).',
  saml_transient_nameid:
    'SAML: the NameID format is transient, new at every login, so it cannot identify a person (a new account each time, with no second factor).',
  saml_wrong_issuer: 'SAML: the Issuer is not the configured IdP.',
  saml_wrong_destination:
    "SAML: the response's Destination or the assertion's Recipient is not this ACS URL.",
  saml_wrong_audience: "SAML: the assertion's audience is not jitgate's entity ID for this IdP.",
  saml_expired: 'SAML: the assertion or its subject confirmation has expired (beyond clockSkew).',
  saml_not_yet_valid: 'SAML: the assertion is not valid yet (beyond clockSkew).',
  saml_unknown_request:
    'SAML: InResponseTo names no AuthnRequest this browser started (unknown, expired, already answered, or started in another browser).',
  saml_unsolicited:
    'SAML: an IdP-initiated answer (no InResponseTo) from an IdP without allowIdpInitiated.',
  saml_replayed: 'SAML: the assertion was used before.',
  saml_invalid: 'SAML: the answer failed another check of the SAML library (the log has it).',
} as const satisfies Record<string, string>;

export type LoginFailureReason = keyof typeof LOGIN_FAILURE_REASONS;

export const isAuditCode = (value: string): value is AuditCode => Object.hasOwn(AUDIT_CODES, value);

export const isLoginFailureReason = (value: string): value is LoginFailureReason =>
  Object.hasOwn(LOGIN_FAILURE_REASONS, value);

/** Every code, in table order (which groups them by area). */
export const auditCodes = (): AuditCode[] => Object.keys(AUDIT_CODES) as AuditCode[];
