/**
 * The portal has one address: its public URL. A person who reaches it under another name (the
 * CLI's default http://127.0.0.1:PORT when the portal is http://localhost:PORT, an IP literal, a
 * second DNS name) would sign in on that name, but the identity provider returns to the public
 * URL, where that browser's login cookies are not: the sign-in ends in login_expired. Browser
 * navigations to another host name are therefore sent to the same path on the public URL first.
 * Nothing else is redirected: API calls, tokens and health checks answer on any name.
 */
import type { NextFunction, Request, Response } from 'express';
import { hostnameOf } from '../gateway/app-routes.js';
import { isNavigation } from '../shared/navigation.js';

export function canonicalPortalHost(portalOrigin: string) {
  const portal = new URL(portalOrigin);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isNavigation(req) || hostnameOf(req.headers.host) === portal.hostname) return next();
    // Concatenated, not resolved: a target such as //evil.example/x stays a path of the portal.
    const path = req.originalUrl.startsWith('/') ? req.originalUrl : '/';
    res.redirect(302, portal.origin + path);
  };
}
