/**
 * An admin (a person in the admin groups) ends every sign-in of a person from the API, as the
 * admin token's `jitgate end-sessions` does (server/person-sign-out.ts). The authorization
 * module says who may.
 */
import express from 'express';
import { z } from 'zod';
import type { Authorization } from '../access/authorization.js';
import type { GrantService } from '../access/grant-service.js';
import { forbidden } from '../shared/errors.js';
import type { UserRecord } from '../store/types.js';
import { requireCaller } from './authenticate.js';
import { parseBody } from './body.js';

export interface UserSessionRoutesDeps {
  grants: Pick<GrantService, 'resolveUser'>;
  authorization: Pick<Authorization, 'mayEndSessionsOf'>;
  endPersonSessions(
    user: UserRecord,
    actor: string,
  ): Promise<{ sessions: number; tokens: number; codes: number }>;
}

const emptyBody = z.object({}).strict();

export function userSessionRoutes(deps: UserSessionRoutesDeps): express.Router {
  const router = express.Router();
  router.post('/users/:user/end-sessions', async (req, res) => {
    const { user: actor } = requireCaller(req);
    if (!deps.authorization.mayEndSessionsOf(actor))
      throw forbidden('admin_role_required', "only an admin may end a person's sessions");
    parseBody(emptyBody, req.body);
    const user = await deps.grants.resolveUser(String(req.params.user));
    const ended = await deps.endPersonSessions(user, actor.id);
    res.json({ user: user.id, ended });
  });
  return router;
}
