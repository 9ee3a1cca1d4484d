/**
 * The typed jitgate API client (`import { JitgateClient } from 'jitgate'`), on fetch only. The
 * CLI is built on it. Authenticate with a `jgt_` token, a machine's IdP access token, or a
 * function that returns a fresh one (see JitgateClient.forMachine).
 */
import { clientCredentialsToken, type ClientCredentials } from './client-credentials.js';
import { boundedJson, boundedText, jitgateJson } from './bounded-body.js';
import { JitgateApiError, JitgateUnreachable } from './errors.js';
import type {
  AccessReportInfo,
  AccessReportQuery,
  BreakGlassInfo,
  CreatedRequest,
  Credential,
  GrantInfo,
  Me,
  NewBreakGlass,
  NewRequest,
  RequestInfo,
  ResourceInfo,
} from './types.js';

export interface JitgateClientOptions {
  /** The proxy, e.g. https://access.example.com. */
  url: string;
  token?: string | (() => Promise<string>);
  /** Per-call timeout (default 30 s). */
  timeoutMs?: number;
}

export interface WaitOptions {
  /** Give up after this long (default: until the request expires). */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

const seg = encodeURIComponent;

const reportParams = (query: AccessReportQuery, format: 'json' | 'csv') =>
  new URLSearchParams({
    ...Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'string')),
    format,
  }).toString();

export class JitgateClient {
  readonly url: string;

  constructor(private readonly options: JitgateClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
  }

  /** A client that signs in as a machine with OAuth client credentials at its IdP. */
  static forMachine(url: string, credentials: ClientCredentials): JitgateClient {
    return new JitgateClient({ url, token: clientCredentialsToken(credentials) });
  }

  me = () => this.call<Me>('GET', '/me');

  resources = async () =>
    (await this.call<{ resources: ResourceInfo[] }>('GET', '/resources')).resources;

  request = (input: NewRequest) => this.call<CreatedRequest>('POST', '/requests', input);

  /** My requests, or (scope approvals) the ones waiting for my decision. */
  requests = async (scope: 'mine' | 'approvals' = 'mine') =>
    (await this.call<{ requests: RequestInfo[] }>('GET', `/requests?scope=${scope}`)).requests;

  approve = (id: string, options: { duration?: string; comment?: string } = {}) =>
    this.call<{ request: RequestInfo; grant: GrantInfo | null }>(
      'POST',
      `/requests/${seg(id)}/approve`,
      options,
    );

  /** A denial says why: the requester reads the comment (400 comment_required without one). */
  deny = async (id: string, comment: string) =>
    (await this.call<{ request: RequestInfo }>('POST', `/requests/${seg(id)}/deny`, { comment }))
      .request;

  cancel = async (id: string) =>
    (await this.call<{ request: RequestInfo }>('POST', `/requests/${seg(id)}/cancel`, {})).request;

  grants = async () => (await this.call<{ grants: GrantInfo[] }>('GET', '/grants')).grants;

  release = async (id: string) =>
    (await this.call<{ grant: GrantInfo }>('POST', `/grants/${seg(id)}/release`, {})).grant;

  revoke = async (id: string, reason?: string) =>
    (
      await this.call<{ grant: GrantInfo }>('POST', `/grants/${seg(id)}/revoke`, {
        ...(reason !== undefined ? { reason } : {}),
      })
    ).grant;

  /** Emergency access at once, no approver (a policy's breakGlass; needs a fresh step-up). */
  breakGlass = (input: NewBreakGlass) =>
    this.call<{ grant: GrantInfo; breakGlass: BreakGlassInfo }>('POST', '/break-glass', input);

  /** Break-glass grants waiting for my review. */
  breakGlassReviews = async () =>
    (await this.call<{ reviews: BreakGlassInfo[] }>('GET', '/break-glass/reviews')).reviews;

  reviewBreakGlass = async (
    grantId: string,
    verdict: 'justified' | 'not_justified',
    comment: string,
  ) =>
    (
      await this.call<{ breakGlass: BreakGlassInfo }>(
        'POST',
        `/break-glass/${seg(grantId)}/review`,
        { verdict, comment },
      )
    ).breakGlass;

  /** An access review (auditors): every grant of the period, with what was done under it. */
  accessReport = (query: AccessReportQuery) =>
    this.call<AccessReportInfo>('GET', `/reports/access?${reportParams(query, 'json')}`);

  /** The same review as CSV, for a spreadsheet. */
  accessReportCsv = async (query: AccessReportQuery) =>
    boundedText(
      await this.send('GET', `/reports/access?${reportParams(query, 'csv')}`, 'text/csv'),
    );

  /** Revokes the `jgt_` token this client calls with (logout). */
  revokeCurrentToken = () => this.call<{ revoked: string }>('DELETE', '/tokens/current');

  /** The grant's credential (database role, cluster bearer); only the grantee gets it. */
  credentials = async (grantId: string) =>
    (await this.call<{ credential: Credential }>('GET', `/grants/${seg(grantId)}/credentials`))
      .credential;

  /** An SSH user certificate for `publicKey`, valid no longer than the grant. */
  sshCertificate = (grantId: string, body: { publicKey: string; login: string }) =>
    this.call<{ certificate: string; validBefore: string }>(
      'POST',
      `/grants/${seg(grantId)}/ssh-cert`,
      body,
    );

  /**
   * Waits until the request is decided: resolves its grant when approved, throws a
   * JitgateApiError (code request_denied, request_expired, …) otherwise.
   */
  async waitForGrant(requestId: string, options: WaitOptions = {}): Promise<GrantInfo> {
    const deadline = Date.now() + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
    for (;;) {
      options.signal?.throwIfAborted();
      const request = (await this.requests()).find((r) => r.id === requestId);
      if (!request) throw new JitgateApiError(404, 'unknown_request', 'no such request of yours');
      if (request.state === 'approved' && request.grant) {
        const grant = (await this.grants()).find((g) => g.id === request.grant);
        if (grant) return grant;
      } else if (request.state !== 'pending') {
        const why = request.comment ? `: ${request.comment}` : '';
        throw new JitgateApiError(
          409,
          `request_${request.state}`,
          `request ${request.state}${why}`,
        );
      }
      if (Date.now() >= deadline)
        throw new JitgateApiError(408, 'wait_timeout', 'still waiting for approval');
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, 'application/json', body);
    return (await jitgateJson(response)) as T;
  }

  /** Sends a call; a refusal throws JitgateApiError with the server's code and message. */
  private async send(
    method: string,
    path: string,
    accept: string,
    body?: unknown,
  ): Promise<Response> {
    const token =
      typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    const url = `${this.url}/api/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new JitgateUnreachable(this.url, { cause: error });
    }
    if (response.ok) return response;
    const json = ((await boundedJson(response)) ?? {}) as {
      error?: { code?: string; message?: string; reasons?: string[] };
    };
    const error = json.error ?? {};
    throw new JitgateApiError(
      response.status,
      error.code ?? `http_${response.status}`,
      error.message ?? `HTTP ${response.status}`,
      error.reasons ?? [],
    );
  }
}
