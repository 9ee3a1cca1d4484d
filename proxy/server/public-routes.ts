/** Routes before the session: health, readiness, metrics and the assertion keys, for machines. */
import express from 'express';
import type { Store } from '../store/types.js';
import { readinessBody, type NotReady } from './readiness.js';

export interface PublicRoutesDeps {
  store: Pick<Store, 'ping'>;
  /** Every reason not to send traffic here now (readiness.ts). */
  readiness(): Promise<NotReady[]>;
  metrics: { render(): string };
  signer: { jwks(): unknown };
}

export function publicRoutes(deps: PublicRoutesDeps): express.Router {
  const router = express.Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await deps.store.ping();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  router.get('/readyz', async (_req, res) => {
    const reasons = await deps.readiness();
    res.setHeader('cache-control', 'no-store');
    res.status(reasons.length === 0 ? 200 : 503).json(readinessBody(reasons));
  });
  router.get('/metrics', (_req, res) =>
    res.type('text/plain; version=0.0.4').send(deps.metrics.render()),
  );
  router.get('/.well-known/jwks.json', (_req, res) => res.json(deps.signer.jwks()));
  return router;
}
