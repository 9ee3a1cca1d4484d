/**
 * The only importer of openid-client: authorization code + PKCE against one identity provider.
 * Discovery is lazy and retried, so an IdP that is down at start-up does not stop the proxy.
 * openid-client checks the issuer (discovery and ID token `iss`), state, nonce and PKCE.
 */
import * as oidc from 'openid-client';
import { JitgateError } from '../shared/errors.js';

export interface OidcProviderSettings {
  /** The IdP's id in the config: named in every error, so a log says which IdP failed. */
  id: string;
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  scopes: string[];
  allowInsecureRequests: boolean;
}

/** What the login transaction must remember between the redirect and the callback. */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcRelyingParty {
  /** Builds the IdP authorization URL and the checks the callback must pass. */
  start(redirectUri: string): Promise<{ url: string; checks: LoginChecks }>;
  /** Redeems the code in `callbackUrl`; returns the verified ID token claims. */
  finish(callbackUrl: URL, checks: LoginChecks): Promise<Record<string, unknown>>;
}

/**
 * Whether the IdP could not be reached at all (no connection, a timeout), as opposed to an answer
 * that did not verify: fetch fails with a TypeError whose cause is the system's error
 * (ECONNREFUSED, ENOTFOUND…), and openid-client's timeout aborts with a TimeoutError.
 */
const unreachable = (error: unknown) =>
  (error instanceof TypeError && error.cause !== undefined) ||
  (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));

export function createOidcRelyingParty(settings: OidcProviderSettings): OidcRelyingParty {
  let configuration: Promise<oidc.Configuration> | undefined;
  const unavailable = (cause: unknown) =>
    new JitgateError(
      502,
      'idp_unavailable',
      // The client reads the IdP's id; its address is in the cause, for the log line only.
      `identity provider "${settings.id}" is unreachable`,
      { cause: new Error(`contacting ${settings.issuer} failed`, { cause }), expose: true },
    );

  const discover = (): Promise<oidc.Configuration> => {
    configuration ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
        {
          execute: settings.allowInsecureRequests ? [oidc.allowInsecureRequests] : [],
          timeout: 10,
        },
      )
      .catch((error: unknown) => {
        configuration = undefined; // try again on the next login
        throw unavailable(error);
      });
    return configuration;
  };

  return {
    async start(redirectUri) {
      const config = await discover();
      const checks: LoginChecks = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes.join(' '),
        response_type: 'code',
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, checks };
    },

    async finish(callbackUrl, checks) {
      const config = await discover();
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          pkceCodeVerifier: checks.codeVerifier,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new Error('no ID token');
        return { ...claims };
      } catch (error) {
        if (unreachable(error)) throw unavailable(error);
        throw new JitgateError(401, 'login_failed', 'the login could not be verified', {
          cause: error,
        });
      }
    },
  };
}
