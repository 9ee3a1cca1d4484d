/**
 * Every way a SAML answer is refused: its code (the audited reason, listed with its meaning in
 * audit/codes.ts), the HTTP status and what the person is told. The messages say what went wrong
 * without repeating anything from the refused XML, except a short IdP status word.
 */
import type { LoginFailureReason } from '../audit/codes.js';
import type { StatusOf } from '../shared/error-codes.js';
import { JitgateError, type StatusAndCode } from '../shared/errors.js';

export type SamlRefusalCode = Extract<LoginFailureReason, `saml_${string}`>;

/** Each code's status is one the error-code table lists for it (the compiler checks each). */
const REFUSALS: { [C in SamlRefusalCode]: { status: StatusOf<C>; message: string } } = {
  saml_malformed: {
    status: 400,
    message: 'The answer from the identity provider is not a SAML response jitgate can read',
  },
  saml_idp_refused: { status: 401, message: 'The identity provider did not sign you in' },
  saml_unsigned: {
    status: 401,
    message: 'The answer from the identity provider is not signed the way jitgate requires',
  },
  saml_bad_signature: {
    status: 401,
    message: "The answer's signature does not verify with the identity provider's certificate",
  },
  saml_signature_wrapping: {
    status: 401,
    message: 'The answer is built to move signed content around (XML signature wrapping)',
  },
  saml_nameid_markup: {
    status: 401,
    message:
      'The NameID in the answer holds markup (a comment, CDATA or an element), not just text',
  },
  saml_transient_nameid: {
    status: 401,
    message:
      'The identity provider sent a one-time (transient) NameID; jitgate needs a persistent one to know who you are',
  },
  saml_wrong_issuer: {
    status: 401,
    message: 'The answer comes from another identity provider than this one',
  },
  saml_wrong_destination: {
    status: 401,
    message: 'The answer is addressed to another service, not to this jitgate',
  },
  saml_wrong_audience: {
    status: 401,
    message: 'The assertion is meant for another service, not for this jitgate',
  },
  saml_expired: { status: 401, message: 'The answer from the identity provider has expired' },
  saml_not_yet_valid: {
    status: 401,
    message: 'The answer from the identity provider is not valid yet (check the clocks)',
  },
  saml_unknown_request: {
    status: 401,
    message:
      'This answer is not for a sign-in this browser started, or that sign-in was already used or expired',
  },
  saml_unsolicited: {
    status: 401,
    message: 'This identity provider may not start a sign-in by itself; start it at jitgate',
  },
  saml_replayed: { status: 401, message: 'This answer was already used' },
  saml_invalid: { status: 401, message: 'The answer from the identity provider failed a check' },
};

/**
 * The error for a refused SAML answer. `detail` is jitgate's own wording (or a bare IdP status
 * word), shown after the message; `cause` goes to the log only.
 */
export function samlRefusal(
  code: SamlRefusalCode,
  detail: string | undefined,
  cause?: unknown,
): JitgateError {
  const { status, message } = REFUSALS[code];
  const text = detail
    ? `${message} (${detail}). Please sign in again.`
    : `${message}. Please sign in again.`;
  // Each entry's status fits its code (checked above); the compiler cannot tie the two lookups.
  const refusal = [status, code] as StatusAndCode<SamlRefusalCode>;
  return new JitgateError(...refusal, text, cause === undefined ? undefined : { cause });
}
