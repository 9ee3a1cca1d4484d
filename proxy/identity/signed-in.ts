/**
 * Pages that need a signed-in person (portal pages other than the landing page, the CLI and
 * extension sign-in pages) send everyone else to the login.
 */
import type { Request, Response } from 'express';
import type { SessionUser } from './session-user.js';
import './session-types.js';

/** The signed-in person; otherwise answers with a redirect to the login and returns undefined. */
export function signedInUser(req: Request, res: Response): SessionUser | undefined {
  const user = req.session.user;
  if (!user) res.redirect(302, `/auth/login?rd=${encodeURIComponent(req.originalUrl)}`);
  return user;
}
