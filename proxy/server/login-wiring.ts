/**
 * The identity providers as logins: an OIDC relying party or a SAML service provider per IdP, in
 * config order. SAML logins share jitgate's SAML signing key (made once, kept in the store) and
 * end like OIDC ones (the same finish: store, audit, new session, MFA).
 */
import type { Config } from '../config/schema.js';
import type { LoginFinishDeps } from '../identity/login-finish.js';
import type { LoginProvider } from '../identity/login-routes.js';
import { createOidcRelyingParty } from '../identity/oidc-client.js';
import type { RedirectPolicy } from '../identity/redirect.js';
import { idpFactsSource } from '../identity/saml-idp-facts.js';
import type { SamlLogin } from '../identity/saml-login.js';
import { loadSamlSigningKey } from '../identity/saml-sp-key.js';
import type { Store } from '../store/types.js';
import { cookieNames } from '../shared/cookie-names.js';

export interface LoginWiringDeps {
  config: Config;
  portalOrigin: string;
  store: Store;
  /** Whether cookies are Secure (https): SAML's browser cookie is then SameSite=None. */
  secure: boolean;
  redirects: RedirectPolicy;
  finish: LoginFinishDeps;
}

export interface LoginWiring {
  providers: Map<string, LoginProvider>;
  saml: Map<string, SamlLogin>;
}

export async function wireLogins(deps: LoginWiringDeps): Promise<LoginWiring> {
  const { config, store } = deps;
  const samlIdps = config.identityProviders.filter((idp) => idp.type === 'saml');
  // No key is made, and no SAML library loaded (its XML stack weighs ~15 MiB), without SAML.
  const signing =
    samlIdps.length > 0 ? await loadSamlSigningKey(store.settings, deps.finish.now) : undefined;
  const Saml = signing && (await import('../identity/saml-login.js')).SamlLogin;
  const saml = new Map<string, SamlLogin>();
  const providers = new Map<string, LoginProvider>();
  for (const idp of config.identityProviders) {
    if (idp.type === 'oidc') {
      providers.set(idp.id, { config: idp, rp: createOidcRelyingParty(idp) });
      continue;
    }
    if (!signing || !Saml) throw new Error('unreachable: SAML IdPs without a signing key');
    const login = new Saml({
      ...deps.finish,
      idp,
      portalOrigin: deps.portalOrigin,
      facts: idpFactsSource(idp, deps.finish.now),
      signing,
      store: store.saml,
      redirects: deps.redirects,
      browserCookie: {
        name: cookieNames(config.session.cookieName, deps.secure).saml,
        secure: deps.secure,
      },
    });
    saml.set(idp.id, login);
    providers.set(idp.id, login);
  }
  return { providers, saml };
}
