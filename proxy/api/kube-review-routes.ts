/**
 * The Kubernetes side of grant-scoped bearers, mounted under /api/v1 before the people's API
 * (its callers are API servers, not people): the TokenReview webhook and the signing keys.
 *
 * The webhook answers only a caller that proves it is a configured cluster: its API server sends
 * the cluster's reviewer token as a bearer (the webhook kubeconfig's user token). The bearer picks
 * the cluster, and only tokens minted for that cluster's audience and resource are reviewed, so
 * one cluster can neither probe another's tokens nor learn whether they are live. A token is
 * accepted only while its grant is live in the grant book: a revoke takes effect at once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request } from 'express';
import { z } from 'zod';
import type { GrantBook } from '../access/grant-book.js';
import type { KubernetesResourceConfig, ResourceConfig } from '../config/schema.js';
import type { KubeTokens } from '../credentials/kube-token.js';
import { unauthorized } from '../shared/errors.js';
import { parseBody } from './body.js';

export interface KubeReviewRoutesDeps {
  kube: KubeTokens;
  book: Pick<GrantBook, 'findLiveById'>;
  resources: readonly ResourceConfig[];
  now: () => number;
}

const tokenReview = z.object({
  apiVersion: z.string().regex(/^authentication\.k8s\.io\/v1(beta1)?$/),
  kind: z.literal('TokenReview'),
  spec: z.object({ token: z.string().min(1).max(8192), audiences: z.array(z.string()).optional() }),
});

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The cluster whose reviewer token the request carries; compared in constant time. */
export function reviewingCluster(
  authorization: string | undefined,
  clusters: readonly KubernetesResourceConfig[],
): KubernetesResourceConfig | undefined {
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
  if (!bearer) return undefined;
  const offered = digest(bearer);
  // Every configured token is compared, so the time taken says nothing about which matched.
  let found: KubernetesResourceConfig | undefined;
  for (const cluster of clusters) {
    if (cluster.reviewerToken === undefined) continue;
    if (timingSafeEqual(offered, digest(cluster.reviewerToken))) found ??= cluster;
  }
  return found;
}

export function kubeReviewRoutes(deps: KubeReviewRoutesDeps): express.Router {
  const router = express.Router();
  const clusters = deps.resources.filter(
    (r): r is KubernetesResourceConfig => r.kind === 'kubernetes',
  );

  const callerCluster = (req: Request) => {
    const cluster = reviewingCluster(req.headers.authorization, clusters);
    if (!cluster)
      throw unauthorized(
        'unauthenticated',
        "TokenReview callers must send their cluster's reviewer token as a bearer",
      );
    return cluster;
  };

  router.post('/kubernetes/tokenreview', async (req, res) => {
    const cluster = callerCluster(req);
    const review = parseBody(tokenReview, req.body);
    const answer = (status: Record<string, unknown>) =>
      res
        .setHeader('cache-control', 'no-store')
        .json({ apiVersion: review.apiVersion, kind: 'TokenReview', status });
    const claims = await deps.kube.verify(review.spec.token, cluster.audience);
    if (!claims || claims.resource !== cluster.id)
      return answer({ authenticated: false, error: 'not a jitgate token for this cluster' });
    // The book holds live grants only: a revoked or expired grant's token fails here at once.
    const grant = await deps.book.findLiveById(claims.grant, deps.now);
    if (!grant) return answer({ authenticated: false, error: 'the grant of this token has ended' });
    return answer({
      authenticated: true,
      user: {
        username: claims.username,
        uid: claims.sub,
        groups: claims.groups,
        extra: { 'jitgate.dev/grant': [grant.id] },
      },
      audiences: [cluster.audience],
    });
  });

  router.get('/kubernetes/jwks.json', (_req, res) => {
    res.json(deps.kube.jwks());
  });

  return router;
}
