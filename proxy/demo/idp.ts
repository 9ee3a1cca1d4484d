/**
 * The embedded demo OIDC identity provider: the only importer of oidc-provider. Authorization
 * code + PKCE (S256) for people, client_credentials for machines, ES256 ID tokens that carry the
 * profile, email and group claims, and its own login page (see idp-interactions.ts).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  Adapter,
  AdapterFactory,
  AdapterPayload,
  Configuration,
  KoaContextWithOIDC,
  default as ProviderClass,
} from 'oidc-provider';
import type * as OidcProvider from 'oidc-provider';
import {
  createInteractionRoutes,
  page,
  paragraph,
  type InteractionPort,
} from './idp-interactions.js';

export interface DemoUser {
  username: string;
  password: string;
  email: string;
  name: string;
  groups: string[];
  amr?: string[];
}

export interface DemoClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  grantTypes?: ('authorization_code' | 'client_credentials' | 'refresh_token')[];
}

export type IdpLog = (msg: string, fields?: Record<string, unknown>) => void;

export interface DemoIdpOptions {
  /** Includes the mount path, e.g. `http://localhost:8080/idp`. */
  issuer: string;
  users: DemoUser[];
  clients: DemoClient[];
  /** Signing keys for the IdP's cookies, newest first. */
  cookieKeys: string[];
  log?: IdpLog;
  /**
   * The API that client-credentials tokens are for: with it, such tokens are ES256 JWTs with this
   * `aud` (resource indicators, RFC 8707), which the API validates against the IdP's JWKS.
   */
  apiResource?: { indicator: string; audience: string };
}

export interface DemoIdp {
  /** Node request handler to mount at the issuer's path prefix (Express strips the prefix). */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  issuer: string;
}

const HOUR = 3600;

export async function createDemoIdp(options: DemoIdpOptions): Promise<DemoIdp> {
  if (options.cookieKeys.length === 0) throw new TypeError('createDemoIdp: cookieKeys is empty');
  const log = options.log ?? (() => undefined);
  const prefix = new URL(options.issuer).pathname.replace(/\/+$/, '');
  const users = new Map(options.users.map((user) => [user.username, user]));
  const { Provider, errors } = await loadOidcProvider();

  const provider = new Provider(options.issuer, {
    adapter: memoryAdapter(),
    clients: options.clients.map(toClientMetadata),
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    jwks: { keys: [signingKey()] },
    cookies: {
      keys: options.cookieKeys,
      names: { session: 'idp_session', interaction: 'idp_interaction', resume: 'idp_resume' },
      // The IdP shares its host with the portal: its session cookie stays under the mount path.
      long: { path: prefix || '/', httpOnly: true, sameSite: 'lax' },
    },
    claims: {
      // amr sits in the openid scope so that every ID token carries it without a claims request.
      openid: ['sub', 'amr'],
      // When the person authenticated: in every ID token (require_auth_time on each client).
      auth_time: null,
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    // Relying parties get everything from the ID token; userinfo answers the same claims.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: resourceIndicators(options.apiResource),
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    // The cookie path is derived from this URL, so it must include the mount prefix.
    interactions: { url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const user = users.get(sub);
      return user && { accountId: user.username, claims: () => demoUserClaims(user) };
    },
    renderError,
    clientBasedCORS: (_ctx, origin, client) =>
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    // Every TTL is explicit: the defaults are long-lived and log a notice on first use.
    ttl: {
      AccessToken: HOUR,
      AuthorizationCode: 60,
      BackchannelAuthenticationRequest: 600,
      ClientCredentials: 600,
      DeviceCode: 600,
      Grant: 8 * HOUR,
      IdToken: HOUR,
      Interaction: 600,
      PreAuthorizedCode: 600,
      RefreshToken: 8 * HOUR,
      Session: 8 * HOUR,
    },
  } satisfies Configuration);

  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) =>
    log('idp server error', { path: ctx.path, error: error.message }),
  );
  // A listener here replaces Koa's default handler, which prints to stderr.
  // (Provider's typings list only its own events; Koa's 'error' comes from the base emitter.)
  const emitter: EventEmitter = provider;
  emitter.on('error', (error: Error) => log('idp error', { error: error.message }));

  const interactions = createInteractionRoutes({
    prefix,
    users: options.users,
    port: interactionPort(provider, errors.SessionNotFound),
    log,
  });
  const callback = provider.callback();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    stripPrefixWhenUnmounted(req, prefix);
    interactions(req, res)
      .then(async (handled) => {
        if (!handled) await callback(req, res);
      })
      .catch((error: unknown) => {
        log('idp handler error', { error: error instanceof Error ? error.message : 'unknown' });
        if (!res.headersSent) res.writeHead(500).end();
      });
  };
  return { handler, issuer: options.issuer };
}

/**
 * Machines get JWT access tokens for the one API resource, without having to name it; people's
 * logins (authorization code) keep opaque tokens, since jitgate reads their ID token only.
 */
function resourceIndicators(api: DemoIdpOptions['apiResource']) {
  if (!api) return { enabled: false };
  return {
    enabled: true,
    defaultResource: (ctx: KoaContextWithOIDC) =>
      ctx.oidc.params?.grant_type === 'client_credentials' ? api.indicator : undefined,
    useGrantedResource: () => true,
    getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string) => {
      if (indicator !== api.indicator) throw new Error('unknown resource indicator');
      return {
        scope: 'jitgate',
        audience: api.audience,
        accessTokenTTL: 600,
        accessTokenFormat: 'jwt' as const,
        jwt: { sign: { alg: 'ES256' as const } },
      };
    },
  };
}

function interactionPort(
  provider: ProviderClass,
  NotFound: abstract new (...args: never[]) => Error,
): InteractionPort {
  return {
    async find(req, res) {
      try {
        const { uid, prompt } = await provider.interactionDetails(req, res);
        return { uid, prompt: prompt.name };
      } catch (error) {
        if (error instanceof NotFound) return undefined;
        throw error;
      }
    },
    login: (req, res, user) =>
      provider.interactionFinished(req, res, {
        login: { accountId: user.username, amr: user.amr ?? ['pwd'] },
      }),
    async consent(req, res) {
      const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
      const details = prompt.details;
      const grant =
        (grantId ? await provider.Grant.find(grantId) : undefined) ??
        new provider.Grant({ accountId: session?.accountId, clientId: String(params.client_id) });
      grant.addOIDCScope(strings(details.missingOIDCScope));
      grant.addOIDCClaims(strings(details.missingOIDCClaims));
      const resources = details.missingResourceScopes;
      if (resources && typeof resources === 'object') {
        for (const [indicator, scopes] of Object.entries(resources)) {
          grant.addResourceScope(indicator, strings(scopes).join(' '));
        }
      }
      const savedId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId: savedId } });
    },
  };
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The claims the demo IdP asserts for `user` (ID token and userinfo). */
export function demoUserClaims(user: DemoUser) {
  return {
    sub: user.username,
    email: user.email,
    email_verified: true,
    name: user.name,
    preferred_username: user.username,
    groups: [...user.groups],
    amr: user.amr ?? ['pwd'],
  };
}

function toClientMetadata(client: DemoClient) {
  const grantTypes = client.grantTypes ?? ['authorization_code'];
  const interactive = grantTypes.includes('authorization_code');
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: grantTypes,
    redirect_uris: interactive ? client.redirectUris : [],
    response_types: interactive ? ['code' as const] : [],
    // Every ID token says when the person authenticated, as Okta's and Keycloak's do: jitgate
    // counts an IdP's MFA as a step-up only from that time (trustMfaFromIdp, mfa/idp-mfa.ts).
    ...(interactive ? { require_auth_time: true } : {}),
  };
}

/** One ES256 key per process: the demo's sessions live in memory, so they die with it anyway. */
function signingKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };
}

/** Lets the handler also sit behind a plain node:http router that does not strip the prefix. */
function stripPrefixWhenUnmounted(req: IncomingMessage & { originalUrl?: string }, prefix: string) {
  const url = req.url ?? '/';
  if (req.originalUrl !== undefined || !prefix) return;
  if (url !== prefix && !url.startsWith(prefix + '/') && !url.startsWith(prefix + '?')) return;
  req.originalUrl = url;
  req.url = url.slice(prefix.length) || '/';
  if (req.url.startsWith('?')) req.url = '/' + req.url;
}

function renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) {
  ctx.type = 'html';
  ctx.body = page('Error', paragraph(out.error_description ?? out.error));
}

function logoutSource(ctx: KoaContextWithOIDC, form: string) {
  // `form` is the provider's own hidden form (action and xsrf token), not user input.
  const button =
    '<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>';
  ctx.type = 'html';
  ctx.body = page('Sign out', `${form}${paragraph('Sign out of the demo IdP?')}${button}`);
}

function postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
  ctx.type = 'html';
  ctx.body = page('Signed out', paragraph('You are signed out.'));
}

interface Stored {
  payload: AdapterPayload;
  expiresAt: number;
}

/** In-memory storage (the built-in one warns on stderr). Expired entries are swept as writes come in. */
function memoryAdapter(): AdapterFactory {
  const entries = new Map<string, Stored>();
  const byGrant = new Map<string, Set<string>>();
  /** `${model}:uid:${uid}` and `${model}:code:${userCode}` → entry key. */
  const lookup = new Map<string, string>();
  let writes = 0;
  const live = (key: string | undefined) => {
    if (key === undefined) return undefined;
    const entry = entries.get(key);
    if (entry && entry.expiresAt > Date.now()) return entry.payload;
    entries.delete(key);
    return undefined;
  };
  const sweep = () => {
    for (const key of entries.keys()) live(key);
    for (const [alias, key] of lookup) if (!entries.has(key)) lookup.delete(alias);
    for (const [grantId, keys] of byGrant) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) byGrant.delete(grantId);
    }
  };

  return (name: string): Adapter => ({
    upsert(id, payload, expiresIn) {
      const key = `${name}:${id}`;
      if (++writes % 500 === 0) sweep();
      entries.set(key, {
        payload,
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity,
      });
      if (payload.uid) lookup.set(`${name}:uid:${payload.uid}`, key);
      if (payload.userCode) lookup.set(`${name}:code:${payload.userCode}`, key);
      if (payload.grantId)
        byGrant.set(payload.grantId, (byGrant.get(payload.grantId) ?? new Set()).add(key));
      return Promise.resolve();
    },
    find: (id) => Promise.resolve(live(`${name}:${id}`)),
    findByUid: (uid) => Promise.resolve(live(lookup.get(`${name}:uid:${uid}`))),
    findByUserCode: (code) => Promise.resolve(live(lookup.get(`${name}:code:${code}`))),
    consume(id) {
      const payload = live(`${name}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      return Promise.resolve();
    },
    destroy(id) {
      entries.delete(`${name}:${id}`);
      return Promise.resolve();
    },
    revokeByGrantId(grantId) {
      for (const key of byGrant.get(grantId) ?? []) entries.delete(key);
      byGrant.delete(grantId);
      return Promise.resolve();
    },
  });
}

type OidcProviderModule = typeof OidcProvider;
let loading: Promise<OidcProviderModule> | undefined;

/**
 * oidc-provider 9 prints "Unsupported runtime" on import under Node 20, which jitgate targets and
 * which it runs on fine; only that one line is dropped, while the module evaluates.
 */
function loadOidcProvider(): Promise<OidcProviderModule> {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}
