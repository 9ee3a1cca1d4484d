/**
 * The only importer of xml-crypto: enveloped XML signatures as a SAML IdP makes them (RSA-SHA256,
 * exclusive canonicalization, the certificate in KeyInfo). The demo SAML IdP signs its answers
 * with it; tests sign the answers they craft with it too.
 */
import { SignedXml } from 'xml-crypto';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface SigningKey {
  privateKeyPem: string;
  certificatePem: string;
}

/** An element by its path of local names from the root, e.g. ['Response', 'Assertion']. */
const xpathOf = (path: readonly string[]) =>
  path.map((name) => `/*[local-name()='${name}']`).join('');

/**
 * Signs the element at `path` (which has an ID attribute) with an enveloped signature placed
 * right after its Issuer, where SAML's schema wants it.
 */
export function signElement(xml: string, path: readonly string[], key: SigningKey): string {
  const signer = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  signer.addReference({
    xpath: xpathOf(path),
    transforms: [ENVELOPED, EXC_C14N],
    digestAlgorithm: SHA256,
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: xpathOf([...path, 'Issuer']), action: 'after' },
  });
  return signer.getSignedXml();
}

/** Signs a SAML Response's assertion, then (when asked) the whole response around it. */
export function signSamlResponse(
  xml: string,
  key: SigningKey,
  sign: { assertion: boolean; response: boolean },
): string {
  const assertionSigned = sign.assertion ? signElement(xml, ['Response', 'Assertion'], key) : xml;
  return sign.response ? signElement(assertionSigned, ['Response'], key) : assertionSigned;
}
