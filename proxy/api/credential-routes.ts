/**
 * Minted credentials: the grantee fetches the connection details of a live grant (a database
 * role's password, a Kubernetes bearer). Only the grant's own user gets them, the answer is
 * never cached, and neither the log nor the audit trail sees them. The Kubernetes webhook that
 * checks those bearers is kube-review-routes.ts.
 */
import express from 'express';
import type { CredentialService } from '../credentials/credential-service.js';
import { notFound } from '../shared/errors.js';
import type { GrantRepository } from '../store/types.js';
import { requireCaller } from './authenticate.js';
import { parseId } from './body.js';

export interface CredentialRoutesDeps {
  credentials: CredentialService;
  grants: Pick<GrantRepository, 'get'>;
}

export function credentialRoutes(deps: CredentialRoutesDeps): express.Router {
  const router = express.Router();

  router.get('/grants/:id/credentials', async (req, res) => {
    const { user } = requireCaller(req);
    const id = parseId('grt', req.params.id, 'invalid_grant_id');
    const grant = await deps.grants.get(id);
    if (!grant || grant.userId !== user.id)
      throw notFound('unknown_grant', 'no such grant of yours');
    const credential = await deps.credentials.credentialsFor(grant, user);
    res.setHeader('cache-control', 'no-store').json({ credential });
  });

  return router;
}
