/**
 * A SAML 2.0 Response with one assertion, as an IdP writes it for Web Browser SSO (saml-core 2,
 * saml-profiles 4.1.4.2): Destination and the bearer confirmation's Recipient name the SP's ACS,
 * InResponseTo names its AuthnRequest (absent for IdP-initiated logins), Conditions restrict it
 * to the SP's entity ID and a few minutes. Unsigned: saml-signer.ts signs it.
 */
import { randomBytes } from 'node:crypto';

export interface SamlAnswer {
  issuer: string;
  /** The SP's ACS URL: the response's Destination and (unless `recipient`) the Recipient. */
  destination: string;
  recipient?: string;
  /** The SP's entity ID. */
  audience: string;
  /** Absent for an IdP-initiated login. */
  inResponseTo?: string;
  nameId: string;
  nameIdFormat?: string;
  /** Attribute name → values (one AttributeValue each). */
  attributes: Record<string, readonly string[]>;
  issuedAt: Date;
  /** How long the assertion may be used for. */
  lifetimeMs: number;
  responseId?: string;
  assertionId?: string;
}

export const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
export const xmlEscape = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** SAML IDs are xs:ID (an NCName): a letter or underscore first. */
export const samlId = () => `_${randomBytes(20).toString('hex')}`;

/** xs:dateTime in UTC without milliseconds, as most IdPs write it. */
const instant = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function samlResponseXml(answer: SamlAnswer): string {
  const e = xmlEscape;
  const issued = answer.issuedAt;
  // Clocks differ a little between IdP and SP: valid from a moment ago.
  const notBefore = instant(new Date(issued.getTime() - 30_000));
  const notOnOrAfter = instant(new Date(issued.getTime() + answer.lifetimeMs));
  const inResponseTo =
    answer.inResponseTo === undefined ? '' : ` InResponseTo="${e(answer.inResponseTo)}"`;
  const attributes = Object.entries(answer.attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${e(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
        values.map((v) => `<saml:AttributeValue>${e(v)}</saml:AttributeValue>`).join('') +
        `</saml:Attribute>`,
    )
    .join('');
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${e(answer.responseId ?? samlId())}" Version="2.0" IssueInstant="${instant(issued)}"` +
    ` Destination="${e(answer.destination)}"${inResponseTo}>` +
    `<saml:Issuer>${e(answer.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${e(answer.assertionId ?? samlId())}" Version="2.0" IssueInstant="${instant(issued)}">` +
    `<saml:Issuer>${e(answer.issuer)}</saml:Issuer>` +
    `<saml:Subject>` +
    `<saml:NameID Format="${e(answer.nameIdFormat ?? PERSISTENT)}">${e(answer.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${e(answer.recipient ?? answer.destination)}"${inResponseTo}/>` +
    `</saml:SubjectConfirmation>` +
    `</saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}">` +
    `<saml:AudienceRestriction><saml:Audience>${e(answer.audience)}</saml:Audience></saml:AudienceRestriction>` +
    `</saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant(issued)}" SessionIndex="${samlId()}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    (attributes === '' ? '' : `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>`) +
    `</saml:Assertion>` +
    `</samlp:Response>`
  );
}
