/**
 * The app host's side of the portal → app handoff (identity/app-handoff.ts explains the flow):
 *   - start   — give the browser its binding cookie, send it to the portal's /auth/app; the
 *               gateway does this for a navigation without a session, and at /.jitgate/start
 *               (links from the portal, the `loginUrl` of a 401);
 *   - redeem  — /.jitgate/auth?code=…: the app cookie, for the browser that holds the verifier.
 * A refused redeem sets nothing: an app cookie the browser already had stays as it was.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bindingChallenge,
  isBindingVerifier,
  newBindingVerifier,
  type AppHandoff,
} from '../identity/app-handoff.js';
import type { AppRoute } from './app-routes.js';
import { readCookie } from './app-session.js';
import { redirect, sendHandoffRefused } from './responses.js';

export const HANDOFF_PATH = '/.jitgate/auth';
export const START_PATH = '/.jitgate/start';
/** A handoff takes seconds; the binding lives a few minutes, enough for a sign-in at the IdP. */
const BINDING_MAX_AGE_S = 10 * 60;

export interface HandoffEndpointDeps {
  portalOrigin: string;
  handoff: AppHandoff;
  appCookie: { name: string; secure: boolean; sign(sid: string, host: string): string };
  /** The binding cookie's name (`__Host-` prefixed on https, so no sibling host can plant it). */
  bindingCookie: string;
}

/** A path on the app to come back to: `/…` but never `//…` (another host to a browser). */
const pathOf = (value: string | null | undefined) =>
  value && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : '/';

export function createHandoffEndpoints(deps: HandoffEndpointDeps) {
  const cookie = (name: string, value: string, attributes: string[]) =>
    [
      `${name}=${value}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Lax',
      ...attributes,
      ...(deps.appCookie.secure ? ['Secure'] : []),
    ].join('; ');

  /** Sends the browser to the portal for a handoff to `path`, bound to its verifier. */
  function start(route: AppRoute, req: IncomingMessage, res: ServerResponse, path: string) {
    // A verifier the browser already holds is kept: two tabs signing in at once both succeed.
    const held = readCookie(req, deps.bindingCookie);
    const verifier = isBindingVerifier(held) ? held : newBindingVerifier();
    res.setHeader(
      'set-cookie',
      cookie(deps.bindingCookie, verifier, [`Max-Age=${BINDING_MAX_AGE_S}`]),
    );
    const rd = encodeURIComponent(route.origin + pathOf(path));
    redirect(res, `${deps.portalOrigin}/auth/app?rd=${rd}&bind=${bindingChallenge(verifier)}`);
  }

  /** Where a client without a session goes to sign in: the app's own start, then the portal. */
  const loginUrl = (route: AppRoute, req: IncomingMessage) =>
    `${route.origin}${START_PATH}?rd=${encodeURIComponent(pathOf(req.url))}`;

  function startFromLink(route: AppRoute, req: IncomingMessage, res: ServerResponse) {
    const rd = new URL(req.url ?? '/', route.origin).searchParams.get('rd');
    start(route, req, res, pathOf(rd));
  }

  async function redeem(route: AppRoute, req: IncomingMessage, res: ServerResponse) {
    const code = new URL(req.url ?? '/', route.origin).searchParams.get('code') ?? '';
    const verifier = readCookie(req, deps.bindingCookie);
    const handoff = await deps.handoff.redeem(code, route.origin, verifier);
    if (!handoff) return sendHandoffRefused(req, res, route.label, `${START_PATH}?rd=%2F`);
    const value = deps.appCookie.sign(handoff.sid, route.host);
    res.setHeader('set-cookie', cookie(deps.appCookie.name, value, []));
    redirect(res, pathOf(handoff.path));
  }

  return { start, startFromLink, loginUrl, redeem };
}

export type HandoffEndpoints = ReturnType<typeof createHandoffEndpoints>;
