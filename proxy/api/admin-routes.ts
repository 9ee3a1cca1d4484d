/**
 * The local admin CLI's routes (`jitgate grant` / `jitgate revoke` / `jitgate end-sessions`),
 * authenticated by the admin token in the state folder rather than by a person.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { GrantService } from '../access/grant-service.js';
import type { PendingRevocations } from '../access/pending-revocations.js';
import { parseDuration } from '../shared/duration.js';
import { badRequest, unauthorized } from '../shared/errors.js';
import { parseBody, parseId } from './body.js';
import { sendEnded } from './grant-routes.js';
import { grantJson } from './json.js';
import type { UserRecord } from '../store/types.js';

export interface AdminRoutesDeps {
  grants: GrantService;
  revocations: Pick<PendingRevocations, 'isPending'>;
  isAdminToken(token: string): boolean;
  /** Ends every sign-in of a person (server/person-sign-out.ts); resolves what it ended. */
  endPersonSessions(
    user: UserRecord,
    actor: string,
  ): Promise<{ sessions: number; tokens: number; codes: number }>;
  now: () => number;
}

const emptyBody = z.object({}).strict();

const grantBody = z
  .object({
    user: z.string().min(1).max(320),
    resource: z.string().min(1).max(64),
    duration: z.string().min(1).max(32),
    reason: z.string().max(1000).optional(),
    /** Grant beyond what policy allows the user (jitgate grant --force). */
    force: z.boolean().optional(),
  })
  .strict();

export function adminRoutes(deps: AdminRoutesDeps): express.Router {
  const router = express.Router();

  const requireAdmin = (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token || !deps.isAdminToken(token))
      return next(unauthorized('admin_required', 'a valid admin token is required'));
    next();
  };

  router.post('/admin/grants', requireAdmin, async (req, res) => {
    const body = parseBody(grantBody, req.body);
    const durationMs = parseDuration(body.duration);
    if (durationMs === undefined)
      throw badRequest('invalid_duration', 'duration must look like "30m" or "8h"');
    const grant = await deps.grants.grant({ ...body, durationMs, actor: 'admin-cli' });
    res.status(201).json({ grant: grantJson(grant, deps.now()) });
  });

  router.post('/admin/grants/:id/revoke', requireAdmin, async (req, res) => {
    const id = parseId('grt', req.params.id, 'invalid_grant_id');
    const grant = await deps.grants.revoke(id, 'admin-cli');
    sendEnded(res, grant, deps);
  });

  router.post('/admin/users/:user/end-sessions', requireAdmin, async (req, res) => {
    parseBody(emptyBody, req.body);
    const user = await deps.grants.resolveUser(String(req.params.user));
    const ended = await deps.endPersonSessions(user, 'admin-cli');
    res.json({ user: user.id, ended });
  });

  return router;
}
