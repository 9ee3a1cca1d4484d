/**
 * Minted credentials: the grantee fetches the connection details of a live grant (a database
 * role's password, a Kubernetes bearer). Only the grant's own user gets them, the answer is
 * never cached, and neither the log nor the audit trail sees them. Also the Kubernetes side:
 * a TokenReview webhook that accepts a bearer only while its grant is live, and its keys.
 */
import express from 'express';
import { z } from 'zod';
import type { GrantBook } from '../access/grant-book.js';
import type { CredentialService } from '../credentials/credential-service.js';
import type { KubeTokens } from '../credentials/kube-token.js';
import type { ResourceConfig } from '../config/schema.js';
import { notFound } from '../shared/errors.js';
import type { GrantRepository } from '../store/types.js';
import { requireCaller } from './authenticate.js';
import { parseBody, parseId } from './body.js';

export interface CredentialRoutesDeps {
  credentials: CredentialService;
  kube: KubeTokens;
  book: Pick<GrantBook, 'get'>;
  grants: Pick<GrantRepository, 'get'>;
  resources: readonly ResourceConfig[];
  now: () => number;
}

const tokenReview = z.object({
  apiVersion: z.string().regex(/^authentication\.k8s\.io\/v1(beta1)?$/),
  kind: z.literal('TokenReview'),
  spec: z.object({ token: z.string().min(1).max(8192), audiences: z.array(z.string()).optional() }),
});

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

  // Called by the Kubernetes API server (webhook token authentication), not by people.
  router.post('/kubernetes/tokenreview', async (req, res) => {
    const review = parseBody(tokenReview, req.body);
    const unauthenticated = (error: string) =>
      res.json({
        apiVersion: review.apiVersion,
        kind: 'TokenReview',
        status: { authenticated: false, error },
      });
    const clusters = deps.resources.filter((r) => r.kind === 'kubernetes');
    for (const cluster of clusters) {
      const claims = await deps.kube.verify(review.spec.token, cluster.audience);
      if (!claims || claims.resource !== cluster.id) continue;
      // The book holds live grants only: a revoked or expired grant's token fails here at once.
      const grant = deps.book.get(claims.grant);
      if (!grant || grant.revokedAt !== null || grant.endsAt <= deps.now())
        return unauthenticated('the grant of this token has ended');
      return res.json({
        apiVersion: review.apiVersion,
        kind: 'TokenReview',
        status: {
          authenticated: true,
          user: {
            username: claims.username,
            uid: claims.sub,
            groups: claims.groups,
            extra: { 'jitgate.dev/grant': [grant.id] },
          },
          audiences: [cluster.audience],
        },
      });
    }
    return unauthenticated('not a jitgate token for a configured cluster');
  });

  router.get('/kubernetes/jwks.json', (_req, res) => {
    res.json(deps.kube.jwks());
  });

  return router;
}
