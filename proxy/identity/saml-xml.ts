/**
 * The only importer of @xmldom/xmldom: reads SAML XML before anything trusts it.
 *
 * - {@link parseIdpMetadata}: an IdP's entity ID, SSO URL and signing certificates.
 * - {@link outlineResponse}: the shape of a SAML response, refused before any signature is
 *   checked when it could fool a verifier: a DTD (entities), several assertions or one that is
 *   not the response's child, signatures that do not sit on the element they sign, IDs that repeat
 *   (XML signature wrapping), a NameID with anything but text in it (comments, CDATA, elements:
 *   the CVE-2017-11427 family).
 *
 * What the signature covers is still read from the verified bytes only (saml-sp.ts); these checks
 * stop the documents that make "what was verified" and "what is read" two different things.
 */
import { createRequire } from 'node:module';
import { samlRefusal } from './saml-refusals.js';

/**
 * The part of the DOM read here, typed locally: xmldom's own declarations pull the browser's DOM
 * library into the whole program, where `document` and `window` would then type-check.
 */
interface XmlNode {
  readonly nodeType: number;
  readonly parentNode: XmlNode | null;
  readonly childNodes: ArrayLike<XmlNode>;
  readonly textContent: string | null;
}
interface XmlContainer extends XmlNode {
  getElementsByTagNameNS(namespace: string, localName: string): ArrayLike<XmlElement>;
  getElementsByTagName(name: string): ArrayLike<XmlElement>;
}
interface XmlElement extends XmlContainer {
  readonly namespaceURI: string | null;
  readonly localName: string;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
}
interface XmlDocument extends XmlContainer {
  readonly documentElement: XmlElement | null;
}
type ErrorHandler = Record<'warning' | 'error' | 'fatalError', (message: string) => void>;
interface Xmldom {
  DOMParser: new (options: { errorHandler: ErrorHandler }) => {
    parseFromString(xml: string, mimeType: string): XmlDocument;
  };
}
const { DOMParser } = createRequire(import.meta.url)('@xmldom/xmldom') as Xmldom;

const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
};
const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
/** xml-crypto finds a Reference's target by any of these attribute names. */
const ID_ATTRIBUTES = ['ID', 'Id', 'id'];
const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

/** Parses XML that must have no DTD; undefined when it is not well-formed. */
function parse(xml: string): XmlDocument | undefined {
  // A DTD can declare entities (and expand them without bound); SAML never needs one.
  if (/<!DOCTYPE/i.test(xml)) return undefined;
  let failed = false;
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: () => (failed = true),
      fatalError: () => (failed = true),
    },
  }).parseFromString(xml, 'text/xml');
  return failed || !doc.documentElement ? undefined : doc;
}

const elements = (root: XmlContainer, ns: string, name: string): XmlElement[] =>
  Array.from(root.getElementsByTagNameNS(ns, name));

const children = (parent: XmlElement, ns: string, name: string): XmlElement[] =>
  Array.from(parent.childNodes).filter(
    (node): node is XmlElement =>
      node.nodeType === ELEMENT_NODE &&
      (node as XmlElement).namespaceURI === ns &&
      (node as XmlElement).localName === name,
  );

const is = (element: XmlElement | null | undefined, ns: string, name: string) =>
  element?.namespaceURI === ns && element.localName === name;

const attribute = (element: XmlElement, name: string): string | null =>
  element.hasAttribute(name) ? element.getAttribute(name) : null;

// --- IdP metadata -------------------------------------------------------------------------------

export interface IdpMetadata {
  entityId: string;
  /** SingleSignOnService with the HTTP-Redirect binding. */
  ssoUrl: string;
  /** Base64 DER of each signing certificate (KeyDescriptor use="signing" or without use). */
  certificates: string[];
}

/**
 * The IdP in SAML metadata: an EntityDescriptor, or one of an EntitiesDescriptor (the one with
 * `entityId` when given, else the only one with an IDPSSODescriptor). Throws an Error that says
 * what is missing; metadata is configuration, so the message may be shown to the admin.
 */
export function parseIdpMetadata(xml: string, entityId?: string): IdpMetadata {
  const doc = parse(xml);
  if (!doc) throw new Error('the metadata is not well-formed XML (or has a DTD)');
  const entities = elements(doc, NS.metadata, 'EntityDescriptor').filter(
    (entity) =>
      children(entity, NS.metadata, 'IDPSSODescriptor').length > 0 &&
      (entityId === undefined || attribute(entity, 'entityID') === entityId),
  );
  if (entities.length !== 1) {
    throw new Error(
      entities.length === 0
        ? `the metadata describes no identity provider${entityId ? ` with entity ID ${entityId}` : ''}`
        : 'the metadata describes several identity providers: set entityId to pick one',
    );
  }
  const [entity] = entities as [XmlElement];
  const descriptor = children(entity, NS.metadata, 'IDPSSODescriptor')[0] as XmlElement;
  const sso = children(descriptor, NS.metadata, 'SingleSignOnService').find(
    (service) => attribute(service, 'Binding') === REDIRECT_BINDING,
  );
  const ssoUrl = sso ? attribute(sso, 'Location') : null;
  if (!ssoUrl) throw new Error('the IdP has no SingleSignOnService with the HTTP-Redirect binding');
  const certificates = children(descriptor, NS.metadata, 'KeyDescriptor')
    .filter((key) => (attribute(key, 'use') ?? 'signing') === 'signing')
    .flatMap((key) => elements(key, NS.dsig, 'X509Certificate'))
    .map((cert) => (cert.textContent ?? '').replace(/\s+/g, ''))
    .filter((cert) => cert !== '');
  if (certificates.length === 0) throw new Error('the IdP has no signing certificate');
  return { entityId: attribute(entity, 'entityID') ?? '', ssoUrl, certificates };
}

// --- Responses ----------------------------------------------------------------------------------

/** What a response says about itself before its signatures are checked (none of it trusted). */
export interface ResponseOutline {
  destination: string | null;
  inResponseTo: string | null;
  issuer: string | null;
  /** A signature sits directly on the response (not yet verified). */
  responseSigned: boolean;
  /** A signature sits directly on the assertion (not yet verified). */
  assertionSigned: boolean;
}

/**
 * Reads the outline of a response and refuses the malformed, the failed (an IdP status other
 * than Success), the wrapped and NameIDs with markup. Throws the refusal.
 */
export function outlineResponse(xml: string): ResponseOutline {
  const doc = parse(xml);
  const root = doc?.documentElement;
  if (!doc || !root || !is(root, NS.protocol, 'Response')) {
    throw samlRefusal('saml_malformed', 'not a SAML response');
  }
  refuseFailedStatus(root);
  if (elements(doc, NS.assertion, 'EncryptedAssertion').length > 0) {
    throw samlRefusal('saml_malformed', 'encrypted assertions are not supported');
  }
  const assertions = elements(doc, NS.assertion, 'Assertion');
  if (assertions.length === 0) throw samlRefusal('saml_malformed', 'no assertion');
  const [assertion] = assertions as [XmlElement];
  if (assertions.length > 1 || assertion.parentNode !== root) {
    throw samlRefusal(
      'saml_signature_wrapping',
      'the assertion is not the one child of the response',
    );
  }
  refuseWrapping(doc, root, assertion);
  refuseNameIdMarkup(doc);
  const issuer = children(root, NS.assertion, 'Issuer')[0];
  return {
    destination: attribute(root, 'Destination'),
    inResponseTo: attribute(root, 'InResponseTo'),
    issuer: issuer ? (issuer.textContent ?? '').trim() : null,
    responseSigned: children(root, NS.dsig, 'Signature').length > 0,
    assertionSigned: children(assertion, NS.dsig, 'Signature').length > 0,
  };
}

function refuseFailedStatus(root: XmlElement): void {
  const status = children(root, NS.protocol, 'Status')[0];
  const code = status ? children(status, NS.protocol, 'StatusCode')[0] : undefined;
  const value = code ? attribute(code, 'Value') : null;
  if (value === SUCCESS) return;
  // The second-level code says why (AuthnFailed, NoPassive, RequestDenied…); only its last word.
  const detail = code ? children(code, NS.protocol, 'StatusCode')[0] : undefined;
  const word = ((detail && attribute(detail, 'Value')) ?? value ?? 'no status').split(':').pop();
  throw samlRefusal('saml_idp_refused', word?.replace(/[^A-Za-z]/g, '').slice(0, 64));
}

/**
 * Every signature must sit on the response or the assertion, one per element, with one
 * Reference to its own parent's ID; and no ID may repeat, under any of the names xml-crypto
 * resolves (a second element with the same Id is how a verifier is pointed elsewhere).
 */
function refuseWrapping(doc: XmlDocument, root: XmlElement, assertion: XmlElement): void {
  const wrapped = (why: string) => samlRefusal('saml_signature_wrapping', why);
  const ids = new Set<string>();
  for (const element of Array.from(doc.getElementsByTagName('*'))) {
    for (const name of ID_ATTRIBUTES) {
      const id = attribute(element, name);
      if (id === null) continue;
      if (ids.has(id)) throw wrapped('an ID appears twice');
      ids.add(id);
    }
  }
  for (const signature of elements(doc, NS.dsig, 'Signature')) {
    const parent = signature.parentNode as XmlElement | null;
    if (parent !== root && parent !== assertion) throw wrapped('a signature sits elsewhere');
    if (children(parent, NS.dsig, 'Signature').length !== 1)
      throw wrapped('two signatures on one element');
    const references = elements(signature, NS.dsig, 'Reference');
    const target = attribute(parent, 'ID');
    if (
      references.length !== 1 ||
      target === null ||
      attribute(references[0] as XmlElement, 'URI') !== `#${target}`
    ) {
      throw wrapped('a signature does not sign the element it sits on');
    }
  }
}

/** A NameID must be plain text: a comment would let the signed and the read value differ. */
function refuseNameIdMarkup(doc: XmlDocument): void {
  for (const nameId of elements(doc, NS.assertion, 'NameID')) {
    const markup = Array.from(nameId.childNodes).some((node) => node.nodeType !== TEXT_NODE);
    if (markup) throw samlRefusal('saml_nameid_markup', undefined);
  }
}

// --- AuthnRequests (the demo IdP reads jitgate's) -----------------------------------------------

export interface AuthnRequestOutline {
  id: string;
  issuer: string | null;
  /** Where the SP asks the answer to go; an IdP only uses it when it is registered for the SP. */
  acsUrl: string | null;
}

/** The ID, Issuer and ACS URL of an AuthnRequest; undefined when it is not one. */
export function outlineAuthnRequest(xml: string): AuthnRequestOutline | undefined {
  const root = parse(xml)?.documentElement;
  if (!root || !is(root, NS.protocol, 'AuthnRequest')) return undefined;
  const id = attribute(root, 'ID');
  if (id === null) return undefined;
  const issuer = children(root, NS.assertion, 'Issuer')[0];
  return {
    id,
    issuer: issuer ? (issuer.textContent ?? '').trim() : null,
    acsUrl: attribute(root, 'AssertionConsumerServiceURL'),
  };
}
