/**
 * My grants, ending one early (release), and ending someone's (revoke: whom the authorization
 * module lets, inside GrantEnding). Live connections under an ended grant are cut by the grant
 * book's listeners, not here.
 */
import express from 'express';
import { z } from 'zod';
import type { GrantEnding } from '../access/grant-ending.js';
import type { PendingRevocations } from '../access/pending-revocations.js';
import type { GrantService } from '../access/grant-service.js';
import { subjectOf } from '../identity/session-user.js';
import type { GrantRecord } from '../store/types.js';
import { requireCaller } from './authenticate.js';
import { freeText, parseBody, parseId } from './body.js';
import { grantJson } from './json.js';

export interface GrantRoutesDeps {
  grantEnding: GrantEnding;
  grants: Pick<GrantService, 'listForUser'>;
  /** Ends in force but not yet recorded: answered 202 with `recorded: false`. */
  revocations: Pick<PendingRevocations, 'isPending'>;
  now: () => number;
}

const emptyBody = z.object({}).strict();
const revokeBody = z.object({ reason: freeText(1000).optional() }).strict();

/**
 * An ended grant: 200 once recorded; 202 with `recorded: false` when the end is in force (access
 * is cut) but the store could not record it yet (it is written when the store takes writes).
 */
export function sendEnded(
  res: express.Response,
  grant: GrantRecord,
  deps: Pick<GrantRoutesDeps, 'revocations' | 'now'>,
): void {
  const recorded = !deps.revocations.isPending(grant.id);
  res.status(recorded ? 200 : 202).json({ grant: grantJson(grant, deps.now()), recorded });
}

export function grantRoutes(deps: GrantRoutesDeps): express.Router {
  const router = express.Router();

  router.get('/grants', async (req, res) => {
    const { user } = requireCaller(req);
    const now = deps.now();
    res.json({ grants: (await deps.grants.listForUser(user.id)).map((g) => grantJson(g, now)) });
  });

  router.post('/grants/:id/release', async (req, res) => {
    const { user } = requireCaller(req);
    const id = parseId('grt', req.params.id, 'invalid_grant_id');
    parseBody(emptyBody, req.body);
    const grant = await deps.grantEnding.release(subjectOf(user), id);
    sendEnded(res, grant, deps);
  });

  router.post('/grants/:id/revoke', async (req, res) => {
    const { user } = requireCaller(req);
    const id = parseId('grt', req.params.id, 'invalid_grant_id');
    const body = parseBody(revokeBody, req.body);
    const grant = await deps.grantEnding.revoke(subjectOf(user), id, body.reason ?? null);
    sendEnded(res, grant, deps);
  });

  return router;
}
