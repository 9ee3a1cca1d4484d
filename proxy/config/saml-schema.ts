/**
 * A SAML 2.0 identity provider (`type: saml`): where its facts come from (metadata by URL or
 * file, or entity ID + SSO URL + certificates), what jitgate demands of its answers (signatures,
 * clock skew, solicited logins only) and how its attributes become a jitgate person.
 */
import { z } from 'zod';
import { certificatePem } from '../shared/certificate-pem.js';
import {
  idpGroupKeys,
  idpIdentityKeys,
  isPlainHttp,
  isRecord,
  type IdpIssues,
} from './idp-common.js';
import { duration, httpUrl } from './primitives.js';

/** SAML entity IDs are URIs of at most 1024 characters (saml-core 8.3.6). */
const entityId = z.string().min(1).max(1024);

const attributes = z
  .object({
    username: z
      .string()
      .min(1)
      .default('uid')
      .describe('Attribute with the short user name (falls back to email, then the NameID).'),
    email: z.string().min(1).default('email').describe('Attribute with the email address.'),
    name: z.string().min(1).default('displayName').describe('Attribute with the display name.'),
    groups: z
      .string()
      .min(1)
      .default('groups')
      .describe('Attribute with the IdP groups (one value per group).'),
  })
  .strict();

export const samlIdentityProvider = z
  .object({
    ...idpIdentityKeys,
    type: z
      .literal('saml')
      .describe('A SAML 2.0 IdP (Okta, Entra ID, ADFS, Keycloak, Shibboleth…): see docs/saml.md.'),
    metadataUrl: httpUrl
      .optional()
      .describe(
        "URL of the IdP's SAML metadata, read at the first login and again every metadataRefresh. Must be https unless allowInsecureRequests.",
      ),
    metadataFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "File holding the IdP's SAML metadata XML, read at startup. A relative path is relative to the config file.",
      ),
    entityId: entityId
      .optional()
      .describe(
        "The IdP's entity ID (the Issuer of its assertions). Required without metadata; with metadata it picks one entity of several.",
      ),
    ssoUrl: httpUrl
      .optional()
      .describe("The IdP's single sign-on URL (HTTP-Redirect binding), when there is no metadata."),
    certificates: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "The IdP's signing certificates (PEM, or the base64 of metadata), when there is no metadata. Two during a key rollover.",
      ),
    metadataRefresh: duration
      .prefault('24h')
      .describe('How long metadata read from metadataUrl is used before it is read again.'),
    allowInsecureRequests: z
      .boolean()
      .default(false)
      .describe('Allow an http:// metadataUrl or ssoUrl. Development and tests only.'),
    spEntityId: entityId
      .optional()
      .describe(
        "jitgate's entity ID at this IdP (the audience of its assertions). Default: <publicUrl>/auth/saml/<id>/metadata.",
      ),
    wantAssertionsSigned: z
      .boolean()
      .default(true)
      .describe('Refuse an assertion that is not signed by the IdP itself.'),
    wantResponseSigned: z
      .boolean()
      .default(false)
      .describe(
        'Refuse a response whose whole message is not signed. At least one of the two must be true.',
      ),
    signAuthnRequests: z
      .boolean()
      .default(true)
      .describe(
        "Sign the AuthnRequest with jitgate's SAML key (its certificate is in jitgate's metadata).",
      ),
    nameIdFormat: z
      .string()
      .min(1)
      .optional()
      .describe(
        'NameID format to ask for, e.g. urn:oasis:names:tc:SAML:2.0:nameid-format:persistent. Default: the IdP chooses.',
      ),
    allowIdpInitiated: z
      .boolean()
      .default(false)
      .describe(
        'Accept logins the IdP starts by itself (unsolicited responses). Off: only logins this browser started at jitgate.',
      ),
    clockSkew: duration
      .refine((ms) => ms <= 300_000, 'must be at most 5m')
      .prefault('1m')
      .describe('Clock difference tolerated on NotBefore and NotOnOrAfter (at most 5m).'),
    attributes: attributes
      .prefault({})
      .describe('Which SAML attributes hold the user name, email, display name and groups.'),
    ...idpGroupKeys,
  })
  .strict()
  // As for OIDC: run the cross-key checks even when a key failed, so all problems show at once.
  .superRefine(checkSamlProvider, { when: (payload) => isRecord(payload.value) });

/** Checks across a SAML IdP's own keys. Values may be of the wrong type here, hence the guards. */
function checkSamlProvider(idp: { readonly [key: string]: unknown }, ctx: IdpIssues): void {
  const problem = (path: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message });
  if (idp.wantAssertionsSigned === false && idp.wantResponseSigned === false) {
    problem(
      'wantAssertionsSigned',
      'may only be false with wantResponseSigned: true; jitgate never accepts an unsigned assertion',
    );
  }
  const sources = ['metadataUrl', 'metadataFile'].filter((key) => idp[key] !== undefined);
  const manual = ['ssoUrl', 'certificates'].filter((key) => idp[key] !== undefined);
  if (sources.length > 1) problem('metadataUrl', 'set only one of metadataUrl, metadataFile');
  if (sources.length > 0 && manual.length > 0) {
    problem(manual[0] ?? 'ssoUrl', 'set either metadata or ssoUrl + certificates, not both');
  }
  if (sources.length === 0) {
    const missing = ['entityId', 'ssoUrl', 'certificates'].filter((key) => idp[key] === undefined);
    for (const key of missing) {
      problem(key, 'is required without metadataUrl or metadataFile');
    }
  }
  for (const key of ['metadataUrl', 'ssoUrl']) {
    if (isPlainHttp(idp[key]) && idp.allowInsecureRequests !== true) {
      problem(key, 'is http:// — use https, or set allowInsecureRequests for development');
    }
  }
  if (Array.isArray(idp.certificates)) {
    if (idp.certificates.length === 0) problem('certificates', 'must not be empty');
    idp.certificates.forEach((text: unknown, index) => {
      if (typeof text === 'string' && certificatePem(text) === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificates', index],
          message: 'must be an X.509 certificate (PEM, or the base64 of its DER)',
        });
      }
    });
  }
}
