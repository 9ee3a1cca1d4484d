/**
 * The hot path for app traffic, in front of Express. Each request runs these steps in order:
 *   1. route         — which resource, by Host
 *   2. handoff       — /.jitgate/auth turns a one-time portal code into the app cookie, for
 *                      the browser that started it (handoff-endpoints.ts); /.jitgate/start
 *                      starts one; /.jitgate/open is the extension's way in
 *                      (grant-credentials.ts)
 *   3. authenticate  — a grant's session credential header, else app cookie → portal session
 *   4. authorize     — a live grant for this person and resource (in-memory grant book)
 *   5. headers       — strip, then inject (identity assertion + configured headers)
 *   6. forward       — kept-alive upstream; the exchange is cut if the grant ends
 *   7. trail         — once it is over, one row for the auditors' trail (queued, written later;
 *                      a long exchange also gets its row while open, see trail-tap.ts)
 * Anything that cannot be checked fails closed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GrantBook } from '../access/grant-book.js';
import type { SessionCache } from '../identity/session-cache.js';
import type { SessionUser } from '../identity/session-user.js';
import type { StatusOf } from '../shared/error-codes.js';
import { JitgateError } from '../shared/errors.js';
import { nextRequestId } from '../shared/request-id.js';
import type { Logger } from '../shared/logger.js';
import { isNavigation } from '../shared/navigation.js';
import type { GrantRecord } from '../store/types.js';
import type { GrantCredentials } from './grant-credentials.js';
import type { AssertionSigner } from './assertion.js';
import type { AppRoute } from './app-routes.js';
import type { AppSessionReader } from './app-session.js';
import { DOT_SEGMENT_MESSAGE, hasDotSegment } from './dot-segments.js';
import { bytesOut, newExchangeBytes } from './exchange-bytes.js';
import { forward } from './forward.js';
import { renderHeaderTemplates } from './header-templates.js';
import { HANDOFF_PATH, START_PATH, type HandoffEndpoints } from './handoff-endpoints.js';
import type { LiveConnections } from './live-connections.js';
import {
  sendJsonError,
  sendNoGrant,
  sendOpenPage,
  sendServiceUnavailable,
  sendUpstreamDown,
} from './responses.js';
import type { TrailTap } from './trail-tap.js';
import { downstreamHeaders, upstreamHeaders } from './upstream-headers.js';

/** What the gateway decided about one app request or WebSocket upgrade (the metrics' label). */
export type Decision =
  | 'allowed'
  | 'unauthenticated'
  | 'no_grant'
  | 'bad_request'
  | 'unavailable'
  | 'credential_refused'
  | 'credential_cross_origin'
  | 'foreign_origin';

export interface GatewayDeps {
  portalOrigin: string;
  appSessions: AppSessionReader;
  sessions: SessionCache;
  /** The portal → app handoff: its start, its redemption, the login URL of a 401. */
  handoff: HandoffEndpoints;
  grants: GrantBook;
  /** Session credentials the extension carries (absent: only the app cookie admits). */
  credentials?: Pick<GrantCredentials, 'admit'>;
  signer: AssertionSigner;
  live: LiveConnections;
  assertionHeader: string;
  trail: TrailTap;
  now: () => number;
  log: Logger;
  onDecision(route: AppRoute, decision: Decision): void;
  onUpstreamDone(route: AppRoute, seconds: number, failed: boolean): void;
}

export type Admitted = { user: SessionUser; grant: GrantRecord };
/**
 * The error code a refusal is answered with: jitgate cannot decide when the store is unreachable
 * (`store_unavailable`) or this replica's grant book may be stale (`grant_book_stale`).
 */
type UnavailableCode = 'store_unavailable' | 'grant_book_stale';
type RefusalCode<D extends Decision> = D extends 'unavailable' ? UnavailableCode : D;
/** A refusal, with a status the error-code table lists for its code. */
export type Refusal = {
  [D in Exclude<Decision, 'allowed'>]: {
    decision: D;
    status: StatusOf<RefusalCode<D>>;
    message: string;
    /** Set when the refusal is jitgate's own fault: the id of the log line that says why. */
    requestId?: string;
    /** The error code of an 'unavailable' refusal (store_unavailable unless said). */
    code?: D extends 'unavailable' ? UnavailableCode : never;
  };
}[Exclude<Decision, 'allowed'>];

/** Where the extension opens an app: the app's own page then navigates, as the app's request. */
const OPEN_PATH = '/.jitgate/open';

const NO_GRANT: Refusal = { decision: 'no_grant', status: 403, message: 'no live grant' };

export function createAppGateway(deps: GatewayDeps) {
  /** The store could not say who this is: fail closed, with the id of the log line that says why. */
  function unavailable(route: AppRoute, error: unknown, message: string): Refusal {
    const requestId = nextRequestId();
    deps.log.error('session store unavailable', {
      requestId,
      resource: route.resource.id,
      error: error as Error,
    });
    return { decision: 'unavailable', status: 503, message, requestId };
  }

  function grantFor(
    route: AppRoute,
    user: SessionUser | undefined,
  ): Admitted | Refusal | Promise<Admitted | Refusal> {
    if (!user)
      return { decision: 'unauthenticated', status: 401, message: 'log in to jitgate first' };
    const grant = deps.grants.findLiveGrant(user.id, route.resource.id, deps.now);
    return grant instanceof Promise ? grant.then((g) => admitOn(user, g)) : admitOn(user, grant);
  }

  function admitOn(user: SessionUser, grant: GrantRecord | undefined): Admitted | Refusal {
    if (!grant) return NO_GRANT;
    return { user, grant };
  }

  /**
   * Asked again after a wait between admission and forwarding (an assertion being signed, which
   * in a grant's last minute happens on every request): a grant that ended meanwhile refuses the
   * request as if it had ended before, instead of letting it through or cutting its connection.
   */
  const stillAdmitted = (admitted: Admitted): Refusal | undefined =>
    deps.live.grantLive(admitted.grant.id) ? undefined : NO_GRANT;

  /** The grant book refuses to answer while it may be stale (another replica's revoke unseen). */
  function staleBook(error: unknown): Refusal {
    if (!(error instanceof JitgateError) || error.code !== 'grant_book_stale') throw error;
    return { decision: 'unavailable', status: 503, code: error.code, message: error.message };
  }

  /**
   * Steps 3 and 4: who is this and may they reach the resource now? At once when the session is
   * in memory (the hot path: no promise, no microtask turn); a promise when the store is asked.
   */
  function admission(
    route: AppRoute,
    req: IncomingMessage,
  ): Admitted | Refusal | Promise<Admitted | Refusal> {
    try {
      const admitted = admissionFromMemory(route, req);
      return admitted instanceof Promise ? admitted.catch(staleBook) : admitted;
    } catch (error) {
      return staleBook(error);
    }
  }

  function admissionFromMemory(
    route: AppRoute,
    req: IncomingMessage,
  ): Admitted | Refusal | Promise<Admitted | Refusal> {
    let byCredential: ReturnType<GrantCredentials['admit']>;
    try {
      byCredential = deps.credentials?.admit(route, req, deps.now);
    } catch (error) {
      return unavailable(route, error, 'cannot check the session credential');
    }
    // A stale book is the book's answer (staleBook); anything else kept it from being checked.
    if (byCredential)
      return byCredential.catch((error: unknown) => {
        if (error instanceof JitgateError && error.code === 'grant_book_stale') throw error;
        return unavailable(route, error, 'cannot check the session credential');
      });
    const sid = deps.appSessions.sessionId(req, route.host);
    if (!sid) return grantFor(route, undefined);
    let user: ReturnType<SessionCache['lookup']>;
    try {
      user = deps.sessions.lookup(sid);
    } catch (error) {
      return unavailable(route, error, 'cannot check the session');
    }
    if (user instanceof Promise)
      return user.then(
        (found) => grantFor(route, found),
        (error: unknown) => unavailable(route, error, 'cannot check the session'),
      );
    return grantFor(route, user);
  }

  const admit = async (route: AppRoute, req: IncomingMessage): Promise<Admitted | Refusal> =>
    admission(route, req);

  /** Step 5: the upstream headers, stripped and then injected (at once when the assertion is cached). */
  function headersFor(
    route: AppRoute,
    req: IncomingMessage,
    admitted: Admitted,
  ): string[] | Promise<string[]> {
    const assertion = deps.signer.assertionFor(
      { user: admitted.user, grant: admitted.grant, audience: route.origin },
      deps.now(),
    );
    if (typeof assertion !== 'string')
      return assertion.then((signed) => withAssertion(route, req, admitted, signed));
    return withAssertion(route, req, admitted, assertion);
  }

  function withAssertion(
    route: AppRoute,
    req: IncomingMessage,
    admitted: Admitted,
    assertion: string,
  ): string[] {
    const inject: [string, string][] = [
      [deps.assertionHeader, assertion],
      ...renderHeaderTemplates(route.resource.headers, admitted.user, admitted.grant),
    ];
    if (route.resource.preserveHost) inject.push(['host', req.headers.host ?? route.host]);
    return upstreamHeaders(req.rawHeaders, route.rules, inject, {
      clientIp: req.socket.remoteAddress ?? '',
      proto: route.origin.startsWith('https:') ? 'https' : 'http',
      host: req.headers.host ?? route.host,
    });
  }

  function refuse(route: AppRoute, req: IncomingMessage, res: ServerResponse, refusal: Refusal) {
    deps.onDecision(route, refusal.decision);
    if (refusal.decision === 'unavailable')
      return sendServiceUnavailable(
        res,
        refusal.requestId ?? nextRequestId(),
        refusal.code,
        refusal.message,
      );
    if (refusal.decision === 'credential_refused' || refusal.decision === 'credential_cross_origin')
      return sendJsonError(res, refusal.status, refusal.decision, refusal.message);
    if (refusal.decision === 'unauthenticated') {
      if (isNavigation(req)) return deps.handoff.start(route, req, res, req.url ?? '/');
      return sendJsonError(res, 401, 'unauthenticated', refusal.message, {
        loginUrl: deps.handoff.loginUrl(route, req),
      });
    }
    const requestUrl = `${deps.portalOrigin}/resources/${route.resource.id}`;
    return sendNoGrant(req, res, route.label, requestUrl);
  }

  /**
   * One app request. Returns a promise only when a step had to wait (a session read from the
   * store, an assertion to sign); the common case runs through in this turn.
   */
  function handleRequest(
    route: AppRoute,
    req: IncomingMessage,
    res: ServerResponse,
  ): void | Promise<void> {
    const url = req.url ?? '';
    if (!url.startsWith('/')) {
      deps.onDecision(route, 'bad_request');
      return sendJsonError(res, 400, 'bad_request', 'request target must be a path');
    }
    if (hasDotSegment(url)) {
      deps.onDecision(route, 'bad_request');
      return sendJsonError(res, 400, 'dot_segment', DOT_SEGMENT_MESSAGE);
    }
    if (url === HANDOFF_PATH || url.startsWith(HANDOFF_PATH + '?'))
      return deps.handoff.redeem(route, req, res);
    if (url === START_PATH || url.startsWith(START_PATH + '?'))
      return deps.handoff.startFromLink(route, req, res);
    if (url === OPEN_PATH) return sendOpenPage(res, route.label);
    const admitted = admission(route, req);
    if (admitted instanceof Promise)
      return admitted.then((known) => afterAdmission(route, req, res, known));
    return afterAdmission(route, req, res, admitted);
  }

  function afterAdmission(
    route: AppRoute,
    req: IncomingMessage,
    res: ServerResponse,
    admitted: Admitted | Refusal,
  ): void | Promise<void> {
    if ('decision' in admitted) return refuse(route, req, res, admitted);
    const headers = headersFor(route, req, admitted);
    if (headers instanceof Promise)
      return headers.then((ready) => {
        const ended = stillAdmitted(admitted);
        if (ended) return refuse(route, req, res, ended);
        send(route, req, res, admitted, ready);
      });
    send(route, req, res, admitted, headers);
  }

  /** Steps 6 and 7: forward, then the trail row once the exchange is over. */
  function send(
    route: AppRoute,
    req: IncomingMessage,
    res: ServerResponse,
    admitted: Admitted,
    headers: string[],
  ): void {
    deps.onDecision(route, 'allowed');
    const started = process.hrtime.bigint();
    const bytes = newExchangeBytes();
    const exchange = deps.trail.begin(route, req, res, admitted.grant, deps.now(), bytes);
    const capture = deps.trail.capture(route, req);
    let untrack = () => {};
    const cut = forward(route.upstream, req, res, headers, bytes, {
      responseHeaders: (h) => downstreamHeaders(h, route.rules),
      requestChunk: capture && ((chunk) => capture.push(chunk)),
      done: (status, error) => {
        untrack();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        deps.onUpstreamDone(route, seconds, Boolean(error));
        // 0 (as in HAR): the client left, or the exchange was cut, before the app answered.
        const answered = error && !res.headersSent && res.destroyed ? 0 : status;
        // Cut, however the answer was framed: chunked or with a Content-Length alike.
        const ended = error || !res.writableFinished ? 'cut' : 'complete';
        const out = bytesOut(bytes, res);
        deps.trail.http(exchange, seconds, answered, bytes.in, out, ended, capture);
        if (error && !res.headersSent && !res.destroyed) sendUpstreamDown(req, res, route.label);
        else if (error) res.destroy();
      },
    });
    untrack = deps.live.track(admitted.grant.id, cut);
  }

  /** Counts a decision made outside handleRequest (WebSocket upgrades). */
  const decided = (route: AppRoute, decision: Decision) => deps.onDecision(route, decision);

  return { admit, headersFor, stillAdmitted, refuse, decided, handleRequest };
}

export type AppGateway = ReturnType<typeof createAppGateway>;
