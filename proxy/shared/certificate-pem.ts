/**
 * X.509 certificates as SAML metadata and admins hand them over: a PEM block, or the bare base64
 * of the DER (what `<ds:X509Certificate>` holds), with any whitespace. One normal form, PEM, and
 * a certificate that does not parse is no certificate.
 */
import { X509Certificate } from 'node:crypto';

const PEM_BLOCK = /^-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The certificate in `text` as normalised PEM, or undefined when it is not one certificate. */
export function certificatePem(text: string): string | undefined {
  const trimmed = text.trim();
  const body = (PEM_BLOCK.exec(trimmed)?.[1] ?? trimmed).replace(/\s+/g, '');
  if (!BASE64.test(body) || body.length > 64 * 1024) return undefined;
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
    return pem;
  } catch {
    return undefined;
  }
}
