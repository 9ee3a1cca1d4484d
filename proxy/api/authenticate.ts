/**
 * Who is calling the API: a browser with the portal session cookie, or a client with a bearer
 * token (`Authorization: Bearer jgt_…`). A request that carries a bearer is judged by it alone,
 * never by a cookie riding along, which is why bearer calls need no CSRF check. Cookie calls that
 * change something must come from the portal's own pages: JSON, and the portal's Origin.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionUser } from '../identity/session-user.js';
import '../identity/session-types.js';
import { forbidden, unauthorized } from '../shared/errors.js';
import type { MachineAuth } from './machine-auth.js';
import type { TokenRecord } from '../identity/token-record.js';
import type { TokenService } from './token-service.js';

export interface Caller {
  user: SessionUser;
  /** `machine`: an IdP access token of a client-credentials machine (machine-auth.ts). */
  how: 'session' | 'token' | 'machine';
  /** The token (how = token), e.g. to revoke "this" token. */
  token: TokenRecord | null;
  /** Names the credential, so everything open under it can be ended with it. */
  credential: string;
  /** Whether the credential still holds; long-lived streams ask again from time to time. */
  stillValid(): Promise<boolean>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types are augmented this way
  namespace Express {
    interface Request {
      caller?: Caller;
    }
  }
}

export interface AuthenticateDeps {
  tokens: Pick<TokenService, 'verify' | 'stillLive'>;
  /** The user of a live portal session, read without extending it. */
  sessionUser(sid: string): Promise<SessionUser | undefined>;
  /** Machines' IdP access tokens (JWT), when config.machines names issuers. */
  machines?: MachineAuth;
}

export const sessionCredential = (sid: string) => `session:${sid}`;
export const tokenCredential = (id: string) => `token:${id}`;

function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1] ?? '';
}

export function authenticate(deps: AuthenticateDeps): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      // Admin tokens (jga_…) are checked by the admin routes; other bearers must be ours.
      if (bearer.startsWith('jga_')) return next();
      if (deps.machines?.looksLikeJwt(bearer)) {
        const machine = await deps.machines.callerFor(bearer);
        if (!machine)
          throw unauthorized('invalid_token', 'the access token is invalid, expired or not ours');
        req.caller = machine;
        return next();
      }
      const token = await deps.tokens.verify(bearer);
      if (!token)
        throw unauthorized('invalid_token', 'the bearer token is unknown, expired or revoked');
      req.caller = {
        user: token.user,
        how: 'token',
        token,
        credential: tokenCredential(token.id),
        stillValid: () => deps.tokens.stillLive(token.id),
      };
      return next();
    }
    const user = req.session?.user;
    if (user) {
      const sid = req.sessionID;
      req.caller = {
        user,
        how: 'session',
        token: null,
        credential: sessionCredential(sid),
        stillValid: async () => (await deps.sessionUser(sid))?.id === user.id,
      };
    }
    next();
  };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * By the header alone (a call without fields may send no body), and exactly the type the body
 * parser reads: anything else would reach the routes as an empty body.
 */
const isJson = (contentType: string | undefined) =>
  /^application\/json\s*(?:;|$)/i.test(contentType ?? '');

/**
 * SameSite=Lax is not enough on its own: every *.localhost app behind jitgate is same-site with
 * the portal. A forged cross-origin POST either carries a foreign Origin, or (form posts) is not
 * JSON; fetch from another origin with a JSON type needs a CORS preflight we never answer.
 */
export function csrfGuard(portalOrigin: string): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.caller?.how !== 'session' || !UNSAFE.has(req.method)) return next();
    const origin = req.headers.origin;
    const sameOrigin =
      origin !== undefined
        ? origin === portalOrigin
        : req.headers['sec-fetch-site'] === 'same-origin';
    if (!sameOrigin)
      return next(forbidden('csrf_refused', 'cookie calls must come from the portal origin'));
    if (!isJson(req.headers['content-type']))
      return next(
        forbidden('csrf_refused', 'cookie calls must say Content-Type: application/json'),
      );
    next();
  };
}

export function requireCaller(req: Request): Caller {
  if (!req.caller) throw unauthorized('unauthenticated', 'log in first, or send a bearer token');
  return req.caller;
}
