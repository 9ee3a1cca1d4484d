/**
 * The checks jitgate makes itself on a SAML answer, beside node-saml's (signatures, Conditions):
 *
 * - before verification, on the outline: the signatures the configuration requires are there,
 *   the response is addressed to this ACS (Destination, required on a signed response) and comes
 *   from this IdP;
 * - after verification, on the signed assertion only: its Issuer, a NameID of plain text that is
 *   not transient, and a bearer SubjectConfirmation for this ACS (Recipient) whose time window
 *   holds now.
 *
 * Pure functions with the clock handed in; every failure is a refusal with its code.
 */
import type { SignedAssertion, SubjectConfirmation } from './saml-sp.js';
import { samlRefusal } from './saml-refusals.js';
import type { ResponseOutline } from './saml-xml.js';

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
/** The longest NameID kept as part of a user id (as for OIDC `sub`, which is at most 255). */
const MAX_NAME_ID = 512;
// eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface SamlExpectations {
  idpEntityId: string;
  acsUrl: string;
  wantAssertionsSigned: boolean;
  wantResponseSigned: boolean;
  clockSkewMs: number;
}

export function checkOutline(outline: ResponseOutline, expect: SamlExpectations): void {
  if (expect.wantResponseSigned && !outline.responseSigned) {
    throw samlRefusal('saml_unsigned', 'the response is not signed');
  }
  if (expect.wantAssertionsSigned && !outline.assertionSigned) {
    throw samlRefusal('saml_unsigned', 'the assertion is not signed');
  }
  // SAML bindings 3.5.5.2: a signed response names where it is going, so it cannot be redirected.
  const destinationRequired = outline.responseSigned;
  if (
    (outline.destination === null && destinationRequired) ||
    (outline.destination !== null && outline.destination !== expect.acsUrl)
  ) {
    throw samlRefusal('saml_wrong_destination', 'Destination');
  }
  if (outline.issuer !== null && outline.issuer !== expect.idpEntityId) {
    throw samlRefusal('saml_wrong_issuer', undefined);
  }
}

export interface CheckedAssertion {
  id: string;
  nameId: string;
  /** The AuthnRequest the signed confirmation answers; null for an IdP-initiated login. */
  inResponseTo: string | null;
  /**
   * Until when the assertion could be accepted through any of its confirmations, skew included:
   * how long to remember its ID.
   */
  usableUntil: number;
}

export function checkAssertion(
  assertion: SignedAssertion,
  expect: SamlExpectations,
  now: number,
): CheckedAssertion {
  if (assertion.issuer !== expect.idpEntityId) throw samlRefusal('saml_wrong_issuer', undefined);
  const { id } = assertion;
  // Pretty-printed XML may wrap the NameID in whitespace; it is never part of the identifier.
  const nameId = assertion.nameId?.trim();
  if (!id) throw samlRefusal('saml_malformed', 'the assertion has no ID');
  if (!nameId || nameId.length > MAX_NAME_ID || CONTROL.test(nameId)) {
    throw samlRefusal('saml_malformed', 'no usable NameID');
  }
  // The NameID is the account (user id <idp>:<NameID>): a transient one, new at every login,
  // would make each login a new person with no second factor, who may enroll one at once.
  if (assertion.nameIdFormat === TRANSIENT) throw samlRefusal('saml_transient_nameid', undefined);
  const bearer = assertion.confirmations.filter((c) => c.method === BEARER);
  if (bearer.length === 0) throw samlRefusal('saml_malformed', 'no bearer subject confirmation');
  const addressed = bearer.filter((c) => c.recipient === expect.acsUrl);
  if (addressed.length === 0) throw samlRefusal('saml_wrong_destination', 'Recipient');
  const windows = addressed.map((c) => ({ confirmation: c, ...windowOf(c) }));
  const valid = windows.find(
    (w) =>
      now - expect.clockSkewMs < w.notOnOrAfter &&
      (w.notBefore === null || now + expect.clockSkewMs >= w.notBefore),
  );
  if (!valid) {
    const early = windows.some(
      (w) => w.notBefore !== null && now + expect.clockSkewMs < w.notBefore,
    );
    throw samlRefusal(early ? 'saml_not_yet_valid' : 'saml_expired', 'subject confirmation');
  }
  // Remembered until no addressed confirmation could accept it any more, not only the one used
  // now: a replay after this window ended would otherwise pass through a later one.
  const lastUsable = Math.max(...windows.map((w) => w.notOnOrAfter));
  return {
    id,
    nameId,
    inResponseTo: valid.confirmation.inResponseTo,
    usableUntil: lastUsable + expect.clockSkewMs,
  };
}

/** A bearer confirmation must say until when it holds (SAML profiles 4.1.4.2). */
function windowOf(confirmation: SubjectConfirmation): {
  notBefore: number | null;
  notOnOrAfter: number;
} {
  const notOnOrAfter = instant(confirmation.notOnOrAfter);
  if (notOnOrAfter === null) {
    throw samlRefusal('saml_malformed', 'the subject confirmation has no NotOnOrAfter');
  }
  return { notBefore: instant(confirmation.notBefore), notOnOrAfter };
}

/** An xs:dateTime in UTC (SAML core 1.3.3 requires the Z); null when absent, refused when odd. */
function instant(value: string | null): number | null {
  if (value === null) return null;
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw samlRefusal('saml_malformed', 'a time is not a UTC dateTime');
  return ms;
}
