/**
 * The only importer of @node-saml/node-saml: jitgate as a SAML service provider for one IdP.
 *
 * - {@link authnRequestUrl}: the HTTP-Redirect URL of a (signed) AuthnRequest with a given ID.
 * - {@link serviceProviderMetadata}: jitgate's SP metadata for the IdP's admin.
 * - {@link verifyResponse}: node-saml checks the XML signatures against the IdP's certificates
 *   (one enveloped signature on its own parent, no wrapping) and the assertion's Conditions
 *   (time window with clock skew, audience = our entity ID), then hands back only the signed
 *   assertion. This file reads that assertion into a typed {@link SignedAssertion} and turns
 *   node-saml's errors into refusal codes.
 *
 * node-saml's InResponseTo memory lives in one process, so it stays off: the AuthnRequests a
 * browser started are kept in the store and checked by saml-login.ts, as are Recipient, Issuer,
 * the bearer confirmation and replays (saml-checks.ts).
 */
import {
  SAML,
  SamlStatusError,
  ValidateInResponseTo,
  generateServiceProviderMetadata,
  type CacheProvider,
  type Profile,
  type SamlConfig,
} from '@node-saml/node-saml';
import { samlRefusal, type SamlRefusalCode } from './saml-refusals.js';

/** One IdP as jitgate's service provider sees it. */
export interface SamlPeer {
  spEntityId: string;
  acsUrl: string;
  idp: { entityId: string; ssoUrl: string; certificates: string[] };
  /** jitgate's key and certificate when AuthnRequests are signed. */
  signing: { privateKeyPem: string; certificatePem: string } | undefined;
  wantAssertionsSigned: boolean;
  wantResponseSigned: boolean;
  clockSkewMs: number;
  nameIdFormat: string | undefined;
}

export interface SubjectConfirmation {
  method: string | null;
  recipient: string | null;
  notBefore: string | null;
  notOnOrAfter: string | null;
  inResponseTo: string | null;
}

export interface SamlAttribute {
  name: string;
  friendlyName: string | null;
  /** The text values; values that are elements (not text) are left out. */
  values: string[];
}

/** What the verified (signed) assertion says. Times are the XML dateTime strings. */
export interface SignedAssertion {
  id: string | null;
  issuer: string | null;
  nameId: string | null;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  confirmations: SubjectConfirmation[];
  attributes: SamlAttribute[];
}

/** node-saml's own request memory would be one process's: jitgate never lets it be used. */
const NO_CACHE: CacheProvider = {
  saveAsync: () => Promise.reject(new Error('node-saml request cache is not used')),
  getAsync: () => Promise.reject(new Error('node-saml request cache is not used')),
  removeAsync: () => Promise.reject(new Error('node-saml request cache is not used')),
};

function serviceProvider(peer: SamlPeer, requestId?: string): SAML {
  const config: SamlConfig = {
    callbackUrl: peer.acsUrl,
    issuer: peer.spEntityId,
    audience: peer.spEntityId,
    entryPoint: peer.idp.ssoUrl,
    idpIssuer: peer.idp.entityId,
    idpCert: peer.idp.certificates,
    wantAssertionsSigned: peer.wantAssertionsSigned,
    wantAuthnResponseSigned: peer.wantResponseSigned,
    acceptedClockSkewMs: peer.clockSkewMs,
    validateInResponseTo: ValidateInResponseTo.never,
    cacheProvider: NO_CACHE,
    identifierFormat: peer.nameIdFormat ?? null,
    // Asking for PasswordProtectedTransport makes Entra ID and ADFS refuse other sign-in methods
    // (passkeys, Windows authentication); jitgate asks for its own second factor anyway.
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    ...(peer.signing
      ? { privateKey: peer.signing.privateKeyPem, publicCert: peer.signing.certificatePem }
      : {}),
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  };
  return new SAML(config);
}

/** The URL that carries an AuthnRequest with ID `requestId` to the IdP (HTTP-Redirect). */
export function authnRequestUrl(peer: SamlPeer, requestId: string): Promise<string> {
  return serviceProvider(peer, requestId).getAuthorizeUrlAsync('', undefined, {});
}

/** jitgate's SP metadata: entity ID, ACS (HTTP-POST), signing certificate, NameID format. */
export function serviceProviderMetadata(peer: Omit<SamlPeer, 'idp'>): string {
  return generateServiceProviderMetadata({
    issuer: peer.spEntityId,
    callbackUrl: peer.acsUrl,
    identifierFormat: peer.nameIdFormat ?? null,
    wantAssertionsSigned: peer.wantAssertionsSigned,
    ...(peer.signing
      ? {
          privateKey: peer.signing.privateKeyPem,
          publicCerts: peer.signing.certificatePem,
          signatureAlgorithm: 'sha256' as const,
        }
      : {}),
  });
}

/** node-saml's errors, as refusal codes. Anything unknown is still a refusal. */
const NODE_SAML_ERRORS: [RegExp, SamlRefusalCode][] = [
  [
    /multiple assertions|too many signatures|refer to more than one|does not refer to it|ref uri|only 1 signed ref|too many transforms/i,
    'saml_signature_wrapping',
  ],
  [/signature/i, 'saml_bad_signature'],
  [/expired/i, 'saml_expired'],
  [/not yet valid/i, 'saml_not_yet_valid'],
  [/audience/i, 'saml_wrong_audience'],
  [
    /missing saml assertion|decryption|not a valid xml|base64|multiple conditions/i,
    'saml_malformed',
  ],
];

function refusalOf(error: unknown) {
  if (error instanceof SamlStatusError) return samlRefusal('saml_idp_refused', undefined, error);
  const message = error instanceof Error ? error.message : '';
  const code = NODE_SAML_ERRORS.find(([pattern]) => pattern.test(message))?.[1] ?? 'saml_invalid';
  return samlRefusal(code, undefined, error);
}

/** Verifies a base64 SAMLResponse; returns the signed assertion or throws the refusal. */
export async function verifyResponse(
  peer: SamlPeer,
  samlResponse: string,
): Promise<SignedAssertion> {
  let profile: Profile | null;
  try {
    ({ profile } = await serviceProvider(peer).validatePostResponseAsync({
      SAMLResponse: samlResponse,
    }));
  } catch (error) {
    throw refusalOf(error);
  }
  const parsed: unknown = profile?.getAssertion?.();
  if (!profile || !isObject(parsed)) throw samlRefusal('saml_malformed', 'no assertion');
  return readAssertion(parsed.Assertion);
}

// --- Reading the signed assertion (xml2js form: elements are arrays, `$` attributes, `_` text) --

type XmlJs = Record<string, unknown>;

const isObject = (value: unknown): value is XmlJs =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const kids = (node: unknown, name: string): unknown[] => {
  const value = isObject(node) ? node[name] : undefined;
  return Array.isArray(value) ? value : [];
};

const attr = (node: unknown, name: string): string | null => {
  const attributes = isObject(node) ? node.$ : undefined;
  const value = isObject(attributes) ? attributes[name] : undefined;
  return typeof value === 'string' ? value : null;
};

/** The text of an element that holds only text; null for an element with child elements. */
const text = (node: unknown): string | null => {
  if (typeof node === 'string') return node;
  if (!isObject(node)) return null;
  if (Object.keys(node).some((key) => key !== '_' && key !== '$')) return null;
  return typeof node._ === 'string' ? node._ : '';
};

function readAssertion(assertion: unknown): SignedAssertion {
  const subject = kids(assertion, 'Subject')[0];
  const nameId = kids(subject, 'NameID')[0];
  return {
    id: attr(assertion, 'ID'),
    issuer: text(kids(assertion, 'Issuer')[0])?.trim() ?? null,
    nameId: nameId === undefined ? null : text(nameId),
    nameIdFormat: attr(nameId, 'Format'),
    sessionIndex: attr(kids(assertion, 'AuthnStatement')[0], 'SessionIndex'),
    confirmations: kids(subject, 'SubjectConfirmation').map((confirmation) => {
      const data = kids(confirmation, 'SubjectConfirmationData')[0];
      return {
        method: attr(confirmation, 'Method'),
        recipient: attr(data, 'Recipient'),
        notBefore: attr(data, 'NotBefore'),
        notOnOrAfter: attr(data, 'NotOnOrAfter'),
        inResponseTo: attr(data, 'InResponseTo'),
      };
    }),
    attributes: kids(assertion, 'AttributeStatement')
      .flatMap((statement) => kids(statement, 'Attribute'))
      .flatMap((attribute): SamlAttribute[] => {
        const name = attr(attribute, 'Name');
        if (name === null) return [];
        const values = kids(attribute, 'AttributeValue')
          .map(text)
          .filter((value): value is string => value !== null && value !== '');
        return [{ name, friendlyName: attr(attribute, 'FriendlyName'), values }];
      }),
  };
}
