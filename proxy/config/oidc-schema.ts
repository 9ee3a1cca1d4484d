/** An OpenID Connect identity provider (`type: oidc`, the default): discovery, client, claims. */
import { z } from 'zod';
import {
  idpGroupKeys,
  idpIdentityKeys,
  isPlainHttp,
  isRecord,
  type IdpIssues,
} from './idp-common.js';
import { ENV_NAME, httpUrl } from './primitives.js';

export const oidcIdentityProvider = z
  .object({
    ...idpIdentityKeys,
    type: z
      .literal('oidc')
      .default('oidc')
      .describe('An OpenID Connect IdP. Leave it out: OIDC is the default type.'),
    issuer: httpUrl.describe(
      'OIDC issuer URL (discovery at /.well-known/openid-configuration). Must be https unless allowInsecureRequests.',
    ),
    clientId: z.string().min(1).describe('OAuth client id registered at the IdP.'),
    clientSecret: z
      .string()
      .min(1)
      .optional()
      .describe('Client secret. Prefer clientSecretEnv or clientSecretFile.'),
    clientSecretEnv: z
      .string()
      // A secret pasted here by mistake must not end up in an error message: the check says
      // what a variable name looks like and never echoes the value.
      .regex(ENV_NAME, 'must be the name of an environment variable (letters, digits, _)')
      .optional()
      .describe('Environment variable holding the secret; read at startup.'),
    clientSecretFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File holding the secret (surrounding whitespace is trimmed). A relative path is relative to the config file.',
      ),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token'))
      .default(['openid', 'email', 'profile'])
      .describe('Scopes to request; must include openid.'),
    usernameClaim: z
      .string()
      .default('preferred_username')
      .describe('Claim used as the short user name (falls back to email, then sub).'),
    groupsClaim: z.string().default('groups').describe('Claim holding the IdP groups.'),
    ...idpGroupKeys,
    allowInsecureRequests: z
      .boolean()
      .default(false)
      .describe('Allow an http:// issuer. Development and tests only.'),
    trustMfaFromIdp: z
      .boolean()
      .default(false)
      .describe(
        "Count a login as an MFA step-up when the ID token's amr or acr shows MFA (see mfaAmrValues, mfaAcrValues), at its auth_time; a token without auth_time counts for nothing.",
      ),
    mfaAmrValues: z
      .array(z.string().min(1))
      .default(['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina'])
      .describe('amr values (RFC 8176) that show MFA; any one of them is enough.'),
    mfaAcrValues: z
      .array(z.string().min(1))
      .default(['http://schemas.openid.net/pape/policies/2007/06/multi-factor'])
      .describe('acr values that show MFA.'),
  })
  .strict()
  // Zod skips refinements once a key of the object failed; `when` makes these run anyway so that
  // an http issuer is reported together with, say, a missing clientId.
  .superRefine(checkOidcProvider, { when: (payload) => isRecord(payload.value) });

/** Checks across an IdP's own keys. Values may be of the wrong type here, hence the guards. */
function checkOidcProvider(idp: { readonly [key: string]: unknown }, ctx: IdpIssues): void {
  const secrets = [idp.clientSecret, idp.clientSecretEnv, idp.clientSecretFile].filter(
    (value) => value !== undefined,
  );
  if (secrets.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['clientSecret'],
      message: 'set only one of clientSecret, clientSecretEnv, clientSecretFile',
    });
  }
  if (Array.isArray(idp.scopes) && !idp.scopes.includes('openid')) {
    ctx.addIssue({ code: 'custom', path: ['scopes'], message: 'must include "openid"' });
  }
  if (isPlainHttp(idp.issuer) && idp.allowInsecureRequests !== true) {
    ctx.addIssue({
      code: 'custom',
      path: ['issuer'],
      message: 'is http:// — use https, or set allowInsecureRequests for development',
    });
  }
}
