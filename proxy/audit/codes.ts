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
  'grant.started': 'A grant became active (at approval or at its scheduled start).',
  'grant.expired': 'A grant reached its end time.',
  'grant.released': 'The grant holder ended a grant early.',
  'grant.revoked': 'An approver or admin ended a grant.',
  'token.issued': 'A bearer token was issued to a signed-in user (CLI, extension).',
  'token.revoked': 'A bearer token was revoked.',
  'session.started': 'A recorded session (web or terminal) under a grant started.',
  'session.ended': 'A recorded session ended.',
  'credential.minted': 'A short-lived credential (SSH certificate, database role) was created.',
  'credential.dropped': 'A short-lived credential was removed or expired.',
  'audit.exported': 'Audit events were exported.',
  'recording.exported': 'A terminal session recording was downloaded (exported) by an auditor.',
  'trail.retention': 'Trail rows past their resource retention were deleted (counts per resource).',
  'trail.exported': "A grant's web session trail was exported (HAR or JSON lines).",
} as const satisfies Record<string, string>;

export type AuditCode = keyof typeof AUDIT_CODES;

export const isAuditCode = (value: string): value is AuditCode => Object.hasOwn(AUDIT_CODES, value);

/** Every code, in table order (which groups them by area). */
export const auditCodes = (): AuditCode[] => Object.keys(AUDIT_CODES) as AuditCode[];
