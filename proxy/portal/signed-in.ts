/** Portal pages other than the landing page send people who are not signed in to the login. */
import type { Request, Response } from 'express';
import type { SessionUser } from '../identity/session-user.js';
import '../identity/session-types.js';

/** The signed-in person; otherwise answers with a redirect to the login and returns undefined. */
export function signedInUser(req: Request, res: Response): SessionUser | undefined {
  const user = req.session.user;
  if (!user) res.redirect(302, `/auth/login?rd=${encodeURIComponent(req.originalUrl)}`);
  return user;
}
