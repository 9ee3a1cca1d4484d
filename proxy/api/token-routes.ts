/**
 * Bearer tokens: a person signed in to the portal issues one for the CLI or the extension
 * (never a token issuing another, so a stolen token cannot outlive itself), and a client
 * revokes the token it is using. Streams opened with a revoked token end at once.
 */
import express from 'express';
import { z } from 'zod';
import { mintUnderSignIn } from '../identity/mint-under-sign-in.js';
import { forbidden } from '../shared/errors.js';
import { requireCaller } from './authenticate.js';
import { durationText, freeText, parseBody } from './body.js';
import { DEFAULT_TOKEN_TTL_MS, MAX_TOKEN_TTL_MS, type TokenService } from './token-service.js';

export interface TokenRoutesDeps {
  tokens: TokenService;
  /** Ends the live streams opened with a credential that just ended. */
  endCredential(credential: string): void;
}

const issueBody = z
  .object({ label: freeText(100).optional(), ttl: durationText(MAX_TOKEN_TTL_MS).optional() })
  .strict();

export function tokenRoutes(deps: TokenRoutesDeps): express.Router {
  const router = express.Router();

  router.post('/tokens', async (req, res) => {
    const caller = requireCaller(req);
    if (caller.how !== 'session')
      throw forbidden('session_required', 'tokens are issued to a portal session only');
    const body = parseBody(issueBody, req.body);
    const { token, record } = await mintUnderSignIn(
      () => caller.stillValid(),
      () => deps.tokens.issue(caller.user, body.label ?? null, body.ttl ?? DEFAULT_TOKEN_TTL_MS),
      (unsold) => deps.tokens.revoke(unsold.record, caller.user.id),
    );
    res.status(201).json({
      token,
      id: record.id,
      label: record.label,
      expiresAt: new Date(record.expiresAt).toISOString(),
    });
  });

  router.delete('/tokens/current', async (req, res) => {
    const caller = requireCaller(req);
    if (!caller.token)
      throw forbidden('token_required', 'call this with the bearer token to revoke');
    await deps.tokens.revoke(caller.token, caller.user.id);
    deps.endCredential(caller.credential);
    res.json({ revoked: caller.token.id });
  });

  return router;
}
