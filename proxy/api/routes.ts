/**
 * JSON API under /api/v1 (docs/api.md). People use their portal session; the local admin CLI
 * uses the admin token as a bearer. Bodies are validated at the edge; errors carry a stable code.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { GrantService } from '../access/grant-service.js';
import { isLive } from '../access/grant-book.js';
import type { ResourceConfig } from '../config/schema.js';
import type { SessionUser } from '../identity/session-user.js';
import '../identity/session-types.js';
import { parseDuration } from '../shared/duration.js';
import { JitgateError, badRequest, unauthorized } from '../shared/errors.js';
import type { GrantRecord } from '../store/types.js';

export interface ApiDeps {
  grants: GrantService;
  resources: readonly ResourceConfig[];
  isAdminToken(token: string): boolean;
  appOrigin(resource: ResourceConfig): string | undefined;
  now: () => number;
}

const grantBody = z
  .object({
    user: z.string().min(1).max(320),
    resource: z.string().min(1).max(64),
    duration: z.string().min(1).max(32),
    reason: z.string().max(1000).optional(),
  })
  .strict();

export function grantJson(grant: GrantRecord, now: number) {
  const state =
    grant.revokedAt !== null
      ? 'revoked'
      : grant.endsAt <= now
        ? 'expired'
        : grant.startsAt > now
          ? 'scheduled'
          : 'active';
  return {
    id: grant.id,
    user: grant.userId,
    resource: grant.resourceId,
    state,
    live: isLive(grant, now),
    startsAt: new Date(grant.startsAt).toISOString(),
    endsAt: new Date(grant.endsAt).toISOString(),
    reason: grant.reason,
    createdBy: grant.createdBy,
    revokedAt: grant.revokedAt === null ? null : new Date(grant.revokedAt).toISOString(),
    revokedBy: grant.revokedBy,
  };
}

function requireUser(req: Request): SessionUser {
  const user = req.session?.user;
  if (!user) throw unauthorized('unauthenticated', 'log in first');
  return user;
}

export function apiRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();

  const requireAdmin = (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token || !deps.isAdminToken(token))
      return next(unauthorized('admin_required', 'a valid admin token is required'));
    next();
  };

  router.get('/me', (req, res) => {
    res.json({ user: requireUser(req) });
  });

  router.get('/resources', async (req, res) => {
    const user = requireUser(req);
    const grants = await deps.grants.listForUser(user.id);
    const now = deps.now();
    res.json({
      resources: deps.resources.map((resource) => {
        const live = grants.find((g) => g.resourceId === resource.id && isLive(g, now));
        return {
          id: resource.id,
          kind: resource.kind,
          name: resource.name ?? resource.id,
          url: deps.appOrigin(resource) ?? null,
          access: live
            ? { state: 'active', grant: live.id, endsAt: new Date(live.endsAt).toISOString() }
            : { state: 'none' },
        };
      }),
    });
  });

  router.get('/grants', async (req, res) => {
    const user = requireUser(req);
    const now = deps.now();
    res.json({ grants: (await deps.grants.listForUser(user.id)).map((g) => grantJson(g, now)) });
  });

  router.post('/admin/grants', requireAdmin, async (req, res) => {
    const parsed = grantBody.safeParse(req.body);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw badRequest(
        'invalid_body',
        `${first?.path.join('.') || 'body'}: ${first?.message ?? 'invalid'}`,
      );
    }
    const durationMs = parseDuration(parsed.data.duration);
    if (durationMs === undefined)
      throw badRequest('invalid_duration', 'duration must look like "30m" or "8h"');
    const grant = await deps.grants.grant({ ...parsed.data, durationMs, actor: 'admin-cli' });
    res.status(201).json({ grant: grantJson(grant, deps.now()) });
  });

  router.post('/admin/grants/:id/revoke', requireAdmin, async (req, res) => {
    const id = req.params.id;
    if (typeof id !== 'string' || !/^grt_[A-Za-z0-9_-]{8,64}$/.test(id))
      throw badRequest('invalid_grant_id', 'not a grant id');
    const grant = await deps.grants.revoke(id, 'admin-cli');
    res.json({ grant: grantJson(grant, deps.now()) });
  });

  router.use((_req, _res, next) => next(new JitgateError(404, 'not_found', 'no such API route')));
  return router;
}
