/**
 * JSON API under /api/v1 (docs/api.md). People call it with their portal session or a bearer
 * token (authenticate.ts, mounted in front); the local admin CLI with the admin token. Bodies are
 * validated at the edge; errors carry a stable code, and policy refusals their reasons (in their
 * own JSON, access/refusal.ts).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GrantService } from '../access/grant-service.js';
import { StepUpRequired } from '../access/step-up.js';
import { JitgateError } from '../shared/errors.js';
import { adminRoutes, type AdminRoutesDeps } from './admin-routes.js';
import { userSessionRoutes, type UserSessionRoutesDeps } from './user-session-routes.js';
import { breakGlassRoutes, type BreakGlassRoutesDeps } from './break-glass-routes.js';
import { requireCaller } from './authenticate.js';
import type { EventStreams } from './event-stream.js';
import { grantRoutes, type GrantRoutesDeps } from './grant-routes.js';
import { requestRoutes, type RequestRoutesDeps } from './request-routes.js';
import { tokenRoutes, type TokenRoutesDeps } from './token-routes.js';

export { grantJson, requestJson } from './json.js';

export interface ApiDeps
  extends RequestRoutesDeps, GrantRoutesDeps, TokenRoutesDeps, BreakGlassRoutesDeps {
  /** The admin path (grant, revoke) and a person's grants. */
  grants: GrantService;
  streams: EventStreams;
  isAdminToken(token: string): boolean;
  /** An admin's "end all sessions of this person". */
  endPersonSessions: AdminRoutesDeps['endPersonSessions'];
  authorization: UserSessionRoutesDeps['authorization'] & RequestRoutesDeps['authorization'];
}

/** Where a person steps up for an action: the portal page, then back where the action is. */
export const stepUpUrl = (action: StepUpRequired['action']) =>
  `/mfa/verify?rd=${encodeURIComponent(action === 'approve' ? '/approvals' : '/')}`;

/** 403 mfa_required says where to step up; a client sends the person there, then retries. */
function withStepUp(error: unknown, _req: Request, res: Response, next: NextFunction) {
  if (!(error instanceof StepUpRequired) || res.headersSent) return next(error);
  res
    .status(error.status)
    .setHeader('x-jitgate-error', error.code)
    .json({ error: { ...error.toJSON().error, stepUpUrl: stepUpUrl(error.action) } });
}

export function apiRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();

  router.get('/me', (req, res) => {
    const caller = requireCaller(req);
    res.json({ user: caller.user, via: caller.how });
  });
  router.get('/events', deps.streams.handle);
  router.use(requestRoutes(deps), grantRoutes(deps), tokenRoutes(deps), adminRoutes(deps));
  router.use(userSessionRoutes(deps));
  router.use(breakGlassRoutes(deps));

  router.use((_req, _res, next) => next(new JitgateError(404, 'not_found', 'no such API route')));
  router.use(withStepUp);
  return router;
}
