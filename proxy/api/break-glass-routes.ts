/**
 * Break-glass over the API: break the glass (self-grant in an emergency), list the break-glass
 * grants waiting for my review, review one. The rules are the access domain's (break-glass.ts);
 * these routes read the caller, validate the input and shape the answer.
 */
import express from 'express';
import { z } from 'zod';
import type { BreakGlassService } from '../access/break-glass-service.js';
import type { Assurance } from '../access/step-up.js';
import type { ResourceConfig } from '../config/schema.js';
import { subjectOf } from '../identity/session-user.js';
import { notFound } from '../shared/errors.js';
import type { UserRepository } from '../store/types.js';
import { requireCaller } from './authenticate.js';
import { breakGlassJson } from './break-glass-json.js';
import { durationText, freeText, parseBody, parseId } from './body.js';
import { grantJson } from './json.js';

export interface BreakGlassRoutesDeps {
  breakGlass: BreakGlassService;
  users: Pick<UserRepository, 'get'>;
  resources: readonly ResourceConfig[];
  assurance(req: express.Request): Assurance;
  now: () => number;
}

// The cap is the policy's (at most 1h); a week here only bounds the text, so a request over
// the cap is refused by policy, with the cap in the message.
const MAX_TEXT_MS = 7 * 86_400_000;

const breakBody = z
  .object({
    resource: z.string().min(1).max(64),
    duration: durationText(MAX_TEXT_MS),
    incident: freeText(200).optional(),
    reason: freeText(1000).optional(),
  })
  .strict();
const reviewBody = z
  .object({
    verdict: z.enum(['justified', 'not_justified']),
    comment: z.string().trim().min(1, 'a review needs a comment').max(1000),
  })
  .strict();

export function breakGlassRoutes(deps: BreakGlassRoutesDeps): express.Router {
  const router = express.Router();

  router.post('/break-glass', async (req, res) => {
    const { user } = requireCaller(req);
    const body = parseBody(breakBody, req.body);
    if (!deps.resources.some((r) => r.id === body.resource))
      throw notFound('unknown_resource', `no resource "${body.resource}"`);
    const broken = await deps.breakGlass.breakGlass(
      subjectOf(user),
      {
        resourceId: body.resource,
        durationMs: body.duration,
        incident: body.incident ?? null,
        reason: body.reason ?? null,
      },
      deps.assurance(req),
    );
    const now = deps.now();
    res.status(201).json({
      grant: grantJson(broken.grant, now),
      breakGlass: breakGlassJson(broken.record, await deps.users.get(user.id), now),
    });
  });

  router.get('/break-glass/reviews', async (req, res) => {
    const { user } = requireCaller(req);
    const waiting = await deps.breakGlass.toReview(subjectOf(user));
    const now = deps.now();
    const reviews = [];
    for (const record of waiting)
      reviews.push(breakGlassJson(record, await deps.users.get(record.userId), now));
    res.json({ reviews });
  });

  router.post('/break-glass/:grant/review', async (req, res) => {
    const { user } = requireCaller(req);
    const grantId = parseId('grt', req.params.grant, 'invalid_grant_id');
    const body = parseBody(reviewBody, req.body);
    const reviewed = await deps.breakGlass.review(
      subjectOf(user),
      grantId,
      body.verdict,
      body.comment,
    );
    res.json({
      breakGlass: breakGlassJson(reviewed, await deps.users.get(reviewed.userId), deps.now()),
    });
  });

  return router;
}
