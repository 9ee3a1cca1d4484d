/**
 * SAML answers crafted by tests: a test IdP's keys (and a stranger's), answers built with the
 * demo IdP's builder and signed with xml-crypto (demo/saml-signer.ts), and the classic attacks on
 * them: tampering after signing, a comment in the NameID, XML signature wrapping.
 */
import { generateKeyPairSync } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { samlResponseXml, samlId, type SamlAnswer } from '../../proxy/demo/saml-response.js';
import { signSamlResponse, type SigningKey } from '../../proxy/demo/saml-signer.js';
import { selfSignedCertificate } from '../../proxy/identity/self-signed-cert.js';

export function testSigningKey(commonName: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: selfSignedCertificate(privateKey, publicKey, {
      commonName,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 86_400_000),
    }),
  };
}

export interface TestIdp {
  entityId: string;
  ssoUrl: string;
  key: SigningKey;
}

/** The IdP the SAML tests forge answers as: a corporate IdP with a key of its own. */
export const corpTestIdp = (): TestIdp => ({
  entityId: 'https://idp.corp.test/saml',
  ssoUrl: 'https://idp.corp.test/sso',
  key: testSigningKey('corp test IdP'),
});

/** The AuthnRequest ID in the redirect to the IdP (HTTP-Redirect binding: deflate + base64). */
export function requestIdOf(redirect: string): string {
  const encoded = new URL(redirect).searchParams.get('SAMLRequest') ?? '';
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
  const id = /<samlp:AuthnRequest[^>]* ID="([^"]+)"/.exec(xml)?.[1];
  if (!id) throw new Error(`no AuthnRequest ID in ${xml.slice(0, 200)}`);
  return id;
}

export interface AnswerFor {
  idp: TestIdp;
  acsUrl: string;
  spEntityId: string;
  inResponseTo?: string;
  nameId?: string;
  groups?: string[];
}

/** An unsigned answer from `idp` for alice (or `nameId`), valid now for five minutes. */
export function answerXml(to: AnswerFor, overrides: Partial<SamlAnswer> = {}): string {
  const nameId = to.nameId ?? 'alice';
  return samlResponseXml({
    issuer: to.idp.entityId,
    destination: to.acsUrl,
    audience: to.spEntityId,
    ...(to.inResponseTo === undefined ? {} : { inResponseTo: to.inResponseTo }),
    nameId,
    attributes: {
      uid: [nameId],
      email: [`${nameId}@corp.test`],
      displayName: [`${nameId} (SAML)`],
      groups: to.groups ?? ['Finance'],
    },
    issuedAt: new Date(),
    lifetimeMs: 5 * 60_000,
    ...overrides,
  });
}

export const sign = (
  xml: string,
  key: SigningKey,
  what: { assertion: boolean; response: boolean } = { assertion: true, response: false },
) => signSamlResponse(xml, key, what);

export const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

/** Changes signed content: the NameID, which the signature covers. */
export function tamper(signedXml: string, from = 'alice', to = 'mallory'): string {
  const changed = signedXml.replace(`>${from}</saml:NameID>`, `>${to}</saml:NameID>`);
  if (changed === signedXml) throw new Error('nothing to tamper with');
  return changed;
}

/**
 * CVE-2017-11427: a comment splits the NameID. Canonicalization drops comments, so the signature
 * still verifies; a parser that reads the first text node reads `admin@corp.test`.
 */
export function commentInNameId(signedXml: string, nameId: string): string {
  const at = nameId.indexOf('.');
  const split = `${nameId.slice(0, at)}<!---->${nameId.slice(at)}`;
  return signedXml.replace(`>${nameId}</saml:NameID>`, `>${split}</saml:NameID>`);
}

const ASSERTION = /<saml:Assertion[\s\S]*<\/saml:Assertion>/;

/** The signed assertion of a response, and an evil twin: same ID, other NameID, no signature. */
function twins(signedXml: string, evilNameId: string) {
  const original = ASSERTION.exec(signedXml)?.[0];
  if (!original) throw new Error('no assertion to wrap');
  const evil = original
    .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
    .replace(/>alice<\/saml:NameID>/, `>${evilNameId}</saml:NameID>`)
    .replace(/>alice<\/saml:AttributeValue>/, `>${evilNameId}</saml:AttributeValue>`);
  return { original, evil };
}

/** XSW: the evil twin is the response's assertion; the signed one hides in Extensions. */
export function wrapInExtensions(signedXml: string, evilNameId = 'admin'): string {
  const { original, evil } = twins(signedXml, evilNameId);
  return signedXml
    .replace(original, `${evil}`)
    .replace(
      /(<\/saml:Issuer>)(<samlp:Status>)/,
      `$1<samlp:Extensions>${original}</samlp:Extensions>$2`,
    );
}

/** XSW: the evil twin comes first, the signed original after it (two assertions, one ID). */
export function wrapBeside(signedXml: string, evilNameId = 'admin'): string {
  const { original, evil } = twins(signedXml, evilNameId);
  return signedXml.replace(original, `${evil}${original}`);
}

/**
 * XSW: the signature of the signed assertion sits on an evil assertion with its own ID; the
 * signed original is gone. One assertion, but its signature signs something else.
 */
export function signatureOnEvil(signedXml: string, evilNameId = 'admin'): string {
  const { original, evil } = twins(signedXml, evilNameId);
  const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(original)?.[0] ?? '';
  const evilSigned = evil
    .replace(/ ID="[^"]+"/, ` ID="${samlId()}"`)
    .replace(/(<saml:Issuer>[^<]*<\/saml:Issuer>)/, `$1${signature}`);
  return signedXml.replace(original, evilSigned);
}

/**
 * XSW: an element elsewhere carries the signed assertion's ID under another spelling (`Id`),
 * which xml-crypto also resolves references by.
 */
export function duplicateId(signedXml: string): string {
  const id = /<saml:Assertion[^>]* ID="([^"]+)"/.exec(signedXml)?.[1] ?? '';
  return signedXml.replace(
    /(<\/saml:Issuer>)(<samlp:Status>)/,
    `$1<samlp:Extensions><x:Decoy xmlns:x="urn:x" Id="${id}">alice</x:Decoy></samlp:Extensions>$2`,
  );
}
