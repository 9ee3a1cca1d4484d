/**
 * Resources with my access state, and the request workflow: create, list (mine, or waiting for
 * me), approve, deny, cancel. Policy decides inside RequestService, where I stand and what I may
 * ask for comes from access-state (as for the portal); these routes only read the caller,
 * validate the input and shape the answer.
 */
import express from 'express';
import { z } from 'zod';
import { MAX_GRANT_MS, requestOptions, standing, type Standing } from '../access/access-state.js';
import type { RequestQueries } from '../access/request-queries.js';
import type { RequestService } from '../access/request-service.js';
import type { Authorization } from '../access/authorization.js';
import type { Assurance } from '../access/step-up.js';
import type { GrantService } from '../access/grant-service.js';
import type { PolicyConfig, ResourceConfig } from '../config/schema.js';
import { subjectOf } from '../identity/session-user.js';
import { formatDuration } from '../shared/duration.js';
import { notFound } from '../shared/errors.js';
import type { UserRepository } from '../store/types.js';
import { requireCaller } from './authenticate.js';
import { durationText, freeText, isoTime, parseBody, parseId, parseQuery } from './body.js';
import { decisionJson, grantJson, requestJson, requestsJson } from './json.js';

export interface RequestRoutesDeps {
  requests: RequestService;
  queries: RequestQueries;
  users: Pick<UserRepository, 'get'>;
  grants: Pick<GrantService, 'listForUser'>;
  resources: readonly ResourceConfig[];
  policies: readonly PolicyConfig[];
  /** Whether a policy lets the caller break the glass on a resource, and its rule. */
  authorization: Pick<Authorization, 'breakGlassPolicies'>;
  appOrigin(resource: ResourceConfig): string | undefined;
  /** Whether the caller has a fresh MFA step-up (only portal sessions can). */
  assurance(req: express.Request): Assurance;
  now: () => number;
}

const createBody = z
  .object({
    resource: z.string().min(1).max(64),
    duration: durationText(MAX_GRANT_MS),
    reason: freeText(1000).optional(),
    ticket: freeText(200).optional(),
    startAt: isoTime.optional(),
  })
  .strict();
const approveBody = z
  .object({ duration: durationText(MAX_GRANT_MS).optional(), comment: freeText(1000).optional() })
  .strict();
const denyBody = z.object({ comment: freeText(1000).optional() }).strict();
const emptyBody = z.object({}).strict();
// Not strict: clients add cache-busting parameters to GETs, and unknown ones change nothing.
const listQuery = z.object({ scope: z.enum(['mine', 'approvals']).default('mine') });

/** The emergency access a policy allows the caller on a resource (its first such policy). */
function breakGlassJson(allowing: ReturnType<Authorization['breakGlassPolicies']>) {
  const rule = allowing[0]?.breakGlass;
  if (!rule) return null;
  return {
    maxDuration: formatDuration(rule.maxDuration),
    maxDurationMs: rule.maxDuration,
    incidentPattern: rule.incidentPattern,
  };
}

/** The API's three access states: a scheduled grant or an ended one reads as none. */
function accessJson(where: Standing) {
  if (where.state === 'active')
    return {
      state: 'active',
      grant: where.grant.id,
      endsAt: new Date(where.grant.endsAt).toISOString(),
    };
  if (where.state === 'pending') return { state: 'pending', request: where.request.id };
  return { state: 'none' };
}

export function requestRoutes(deps: RequestRoutesDeps): express.Router {
  const router = express.Router();

  router.get('/resources', async (req, res) => {
    const { user } = requireCaller(req);
    const subject = subjectOf(user);
    const now = deps.now();
    const [mine, grants] = await Promise.all([
      deps.queries.listMine(user.id),
      deps.grants.listForUser(user.id),
    ]);
    const resources = deps.resources.map((resource) => {
      const options = requestOptions(subject, resource.id, deps.policies, now);
      return {
        id: resource.id,
        kind: resource.kind,
        name: resource.name ?? resource.id,
        description: resource.description ?? null,
        url: deps.appOrigin(resource) ?? null,
        // Where the extension may fill a per-grant login (resources[].formLogin), if anywhere.
        formLogin:
          resource.kind === 'web' && resource.formLogin
            ? { loginPath: resource.formLogin.loginPath }
            : null,
        access: accessJson(standing(resource.id, mine, grants, now)),
        policy: {
          requestable: options.requestable,
          maxDuration: formatDuration(options.maxDurationMs),
          maxDurationMs: options.maxDurationMs,
          requireReason: options.requireReason,
          ticketPattern: options.ticket.required ? (options.ticket.patterns[0] ?? null) : null,
          needsApproval: options.preview.outcome !== 'auto_approved',
          reasons: options.preview.reasons,
        },
        // Asked of the authorization module, like the portal's /break-glass: the extension
        // shows its Emergency access action from this and decides nothing itself.
        breakGlass: breakGlassJson(deps.authorization.breakGlassPolicies(subject, resource.id)),
      };
    });
    res.json({ resources });
  });

  router.post('/requests', async (req, res) => {
    const { user } = requireCaller(req);
    const body = parseBody(createBody, req.body);
    if (!deps.resources.some((r) => r.id === body.resource))
      throw notFound('unknown_resource', `no resource "${body.resource}"`);
    const created = await deps.requests.create(
      subjectOf(user),
      {
        resourceId: body.resource,
        durationMs: body.duration,
        reason: body.reason ?? null,
        ticket: body.ticket ?? null,
        startAt: body.startAt ?? null,
      },
      deps.assurance(req),
    );
    const now = deps.now();
    res.status(201).json({
      request: requestJson(created.request, await deps.users.get(user.id), now),
      grant: created.grant ? grantJson(created.grant, now) : null,
      decision: decisionJson(created.decision),
    });
  });

  router.get('/requests', async (req, res) => {
    const { user } = requireCaller(req);
    const { scope } = parseQuery(listQuery, req.query);
    const list =
      scope === 'approvals'
        ? await deps.queries.approvable(subjectOf(user))
        : await deps.queries.listMine(user.id);
    res.json({ requests: await requestsJson(deps.users, list, deps.now()) });
  });

  router.post('/requests/:id/approve', async (req, res) => {
    const { user } = requireCaller(req);
    const id = parseId('req', req.params.id, 'invalid_request_id');
    const body = parseBody(approveBody, req.body);
    const decided = await deps.requests.approve(
      subjectOf(user),
      id,
      {
        durationMs: body.duration ?? null,
        comment: body.comment ?? null,
      },
      deps.assurance(req),
    );
    const now = deps.now();
    res.json({
      request: requestJson(decided.request, await deps.users.get(decided.request.userId), now),
      grant: decided.grant ? grantJson(decided.grant, now) : null,
    });
  });

  router.post('/requests/:id/deny', async (req, res) => {
    const { user } = requireCaller(req);
    const id = parseId('req', req.params.id, 'invalid_request_id');
    const body = parseBody(denyBody, req.body);
    const denied = await deps.requests.deny(
      subjectOf(user),
      id,
      body.comment ?? null,
      deps.assurance(req),
    );
    res.json({ request: requestJson(denied, await deps.users.get(denied.userId), deps.now()) });
  });

  router.post('/requests/:id/cancel', async (req, res) => {
    const { user } = requireCaller(req);
    const id = parseId('req', req.params.id, 'invalid_request_id');
    parseBody(emptyBody, req.body);
    const cancelled = await deps.requests.cancel(subjectOf(user), id);
    res.json({ request: requestJson(cancelled, await deps.users.get(user.id), deps.now()) });
  });

  return router;
}
