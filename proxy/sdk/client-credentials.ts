/**
 * Machine sign-in for the SDK: the OAuth client-credentials grant at the IdP's token endpoint
 * (client_secret_basic), cached until shortly before the token expires.
 */
import { boundedJson } from './bounded-body.js';
import { JitgateApiError, JitgateUnreachable } from './errors.js';

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** RFC 8707 resource indicator, when the IdP needs one to issue a token for jitgate. */
  resource?: string;
  scope?: string;
}

/** Refresh this long before expiry, so a token never dies in the middle of a call. */
const MARGIN_MS = 30_000;

export function clientCredentialsToken(options: ClientCredentials): () => Promise<string> {
  let cached: { token: string; refreshAt: number } | undefined;
  return async () => {
    if (cached && Date.now() < cached.refreshAt) return cached.token;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.resource) body.set('resource', options.resource);
    if (options.scope) body.set('scope', options.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
    ).toString('base64');
    let response: Response;
    try {
      response = await fetch(options.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new JitgateUnreachable(options.tokenUrl, { cause: error });
    }
    const json = ((await boundedJson(response)) ?? {}) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
      error_description?: unknown;
    };
    // The IdP failed (a 5xx): not a refusal of the credentials, so no 401 either.
    if (response.status >= 500)
      throw new JitgateApiError(
        502,
        'idp_unavailable',
        `the IdP at ${options.tokenUrl} failed (HTTP ${response.status})`,
      );
    if (!response.ok || typeof json.access_token !== 'string') {
      const code = typeof json.error === 'string' ? json.error : 'token_request_failed';
      const text = typeof json.error_description === 'string' ? json.error_description : code;
      throw new JitgateApiError(401, code, `the IdP refused the client credentials: ${text}`);
    }
    const lifetime = typeof json.expires_in === 'number' ? json.expires_in * 1000 : 60_000;
    cached = { token: json.access_token, refreshAt: Date.now() + lifetime - MARGIN_MS };
    return json.access_token;
  };
}
