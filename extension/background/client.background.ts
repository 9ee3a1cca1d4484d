/**
 * The proxy's HTTP API as the worker calls it: the bearer token from storage, `credentials:
 * 'omit'` (a cookie riding along must never decide), a refresh shortly before the token ends,
 * and one refresh and retry on 401. When refreshing fails too, the person is signed out here:
 * the token is forgotten and the caller sees `signed_out`. Tokens are never logged.
 */
import type { ErrorAnswer, TokenAnswer } from '../shared/api-types.js';
import type { SignedIn } from '../shared/state.js';
import type { Store } from './store.background.js';

/** Renew this long before the token ends, so a call never races its expiry. */
const RENEW_BEFORE_MS = 5 * 60_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly stepUpUrl?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export class JitgateClient {
  /** The refresh under way: one at a time, since refresh tokens work once. */
  private refreshing: Promise<SignedIn | undefined> | undefined;

  constructor(
    private readonly store: Store,
    private readonly onSignedOut: () => Promise<void>,
    private readonly fetchFn: Fetch = (url, init) => fetch(url, init),
    private readonly now: () => number = Date.now,
  ) {}

  async call<T>(method: string, path: string, body?: object): Promise<T> {
    let session = await this.fresh();
    let response = await this.send(session, method, path, body);
    if (response.status === 401) {
      session = await this.refresh(session);
      response = await this.send(session, method, path, body);
      if (response.status === 401) {
        await this.onSignedOut();
        throw new ApiError(401, 'signed_out', 'jitgate no longer accepts this sign-in');
      }
    }
    return (await this.parse(response)) as T;
  }

  /** The event stream's response (the caller reads it); 401 signs out like any call. */
  async openStream(signal: AbortSignal): Promise<Response> {
    const session = await this.fresh();
    const response = await this.fetchFn(`${session.origin}/api/v1/events`, {
      headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' },
      credentials: 'omit',
      cache: 'no-store',
      signal,
    });
    if (response.status === 401) await this.refresh(session);
    return response;
  }

  /** Ends `session`'s token on the proxy (one this extension no longer uses). */
  async revoke(session: SignedIn): Promise<void> {
    await this.parse(await this.send(session, 'POST', '/extension/sign-out', {}));
  }

  /** The token endpoint: no bearer, no cookie. */
  async exchange(origin: string, body: object): Promise<TokenAnswer> {
    const response = await this.fetchFn(`${origin}/api/v1/extension/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'omit',
      body: JSON.stringify(body),
    });
    return (await this.parse(response)) as TokenAnswer;
  }

  private async fresh(): Promise<SignedIn> {
    const session = await this.store.signedIn();
    if (!session) throw new ApiError(401, 'signed_out', 'not signed in to jitgate');
    return session.tokenExpiresAt - this.now() > RENEW_BEFORE_MS ? session : this.refresh(session);
  }

  private refresh(session: SignedIn): Promise<SignedIn> {
    this.refreshing ??= this.renew(session).finally(() => (this.refreshing = undefined));
    return this.refreshing.then((renewed) => {
      if (!renewed) throw new ApiError(401, 'signed_out', 'the jitgate sign-in ended');
      return renewed;
    });
  }

  private async renew(session: SignedIn): Promise<SignedIn | undefined> {
    const current = await this.store.signedIn();
    // Another context renewed it meanwhile: use theirs.
    if (current && current.token !== session.token) return current;
    try {
      const answer = await this.exchange(session.origin, {
        grant_type: 'refresh_token',
        refresh_token: session.refreshToken,
      });
      const renewed: SignedIn = {
        ...session,
        token: answer.token,
        tokenExpiresAt: Date.parse(answer.expiresAt),
        refreshToken: answer.refreshToken,
        refreshExpiresAt: Date.parse(answer.refreshExpiresAt),
      };
      await this.store.setSignedIn(renewed);
      return renewed;
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) await this.onSignedOut();
      return undefined;
    }
  }

  private send(session: SignedIn, method: string, path: string, body?: object) {
    return this.fetchFn(`${session.origin}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${session.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      credentials: 'omit',
      cache: 'no-store',
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  private async parse(response: Response): Promise<unknown> {
    const value: unknown = await response.json().catch(() => undefined);
    if (response.ok) return value;
    const error = (value as Partial<ErrorAnswer> | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.reasons?.join(' ') || error?.message || `jitgate answered ${response.status}`,
      error?.stepUpUrl,
    );
  }
}
