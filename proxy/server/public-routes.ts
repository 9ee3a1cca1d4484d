/** Routes before the session: health, metrics and the assertion keys, for machines. */
import express from 'express';
import type { Store } from '../store/types.js';

export interface PublicRoutesDeps {
  store: Pick<Store, 'ping'>;
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
  router.get('/metrics', (_req, res) =>
    res.type('text/plain; version=0.0.4').send(deps.metrics.render()),
  );
  router.get('/.well-known/jwks.json', (_req, res) => res.json(deps.signer.jwks()));
  return router;
}
