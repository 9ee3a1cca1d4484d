/**
 * What portal forms do. Every route here is a POST behind the CSRF check; each calls the domain,
 * puts what happened (or why it was refused) in the flash, and redirects 303 back to the page
 * the form was on, so a reload never sends the form twice.
 */
import express, { type Request, type Response } from 'express';
import { PolicyRefusal } from '../access/refusal.js';
import { StepUpRequired } from '../access/step-up.js';
import type { RequestInput } from '../access/types.js';
import { subjectOf, type SessionUser } from '../identity/session-user.js';
import { parseDuration } from '../shared/duration.js';
import { JitgateError, badRequest, notFound } from '../shared/errors.js';
import { requireCsrf } from '../identity/csrf.js';
import { resourceName, type PortalDeps } from './deps.js';
import { formatDuration, timeText } from './format.js';
import { people } from './people.js';
import { setFlash } from './session.js';
import { resumeAfterStepUp } from './step-up-resume.js';

type Fields = Record<string, unknown>;

const field = (req: Request, name: string): string => {
  const value = (req.body as Fields | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
};
const optional = (req: Request, name: string) => field(req, name) || null;

/** Only portal pages are valid places to come back to (no open redirect through `back`). */
const BACK = /^\/(?:resources\/[A-Za-z0-9_-]{1,64}|approvals|history)?$/;
const backOf = (req: Request, fallback: string) => {
  const back = field(req, 'back');
  return BACK.test(back) ? back : fallback;
};

function durationOf(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw badRequest('invalid_duration', `"${text}" is not a duration`);
  return ms;
}

/** The scheduled start: the script's exact instant, else the datetime-local value read as UTC. */
function startOf(req: Request): number | null {
  const iso = field(req, 'startAtIso');
  const local = field(req, 'startAt');
  if (!iso && !local) return null;
  const ms = iso
    ? Date.parse(iso)
    : /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(local)
      ? Date.parse(`${local}Z`)
      : NaN;
  if (!Number.isFinite(ms))
    throw badRequest('invalid_start', 'the start time is not a date and time');
  return ms;
}

/** A form's work: returns the flash text that says what happened. */
type Run = (req: Request, user: SessionUser) => Promise<string>;

/**
 * Runs a form's action for the signed-in person; a refusal (4xx) becomes an error flash with
 * the domain's own words and reasons. Server faults go to the error handler.
 */
function action(deps: PortalDeps, fallback: string, run: Run) {
  return async (req: Request, res: Response) => {
    const user = req.session.user;
    if (!user) return res.redirect(303, '/');
    try {
      setFlash(req, { kind: 'ok', text: await run(req, user) });
    } catch (error) {
      // Policy wants a second factor first: step up, then this same form goes out again.
      if (error instanceof StepUpRequired) return resumeAfterStepUp(req, res, user, deps.now());
      if (!(error instanceof JitgateError) || error.status >= 500) throw error;
      const reasons = error instanceof PolicyRefusal ? error.reasons : [];
      // Several reasons read better as a list than joined into one sentence.
      const details = reasons.length > 1 ? [...reasons] : [];
      const text = details.length > 0 ? 'Refused:' : `Refused: ${error.message}`;
      setFlash(req, { kind: 'error', text, details });
    }
    const back = backOf(req, fallback);
    // Someone who may not see Approvals (alice trying an approver's action) lands at home.
    const lost = back === '/approvals' && !deps.authorization.maySeeApprovals(user);
    res.redirect(303, lost ? '/' : back);
  };
}

export function actionRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();
  // The CSRF check sits on each route, not on the router, so POSTs meant for routes mounted
  // after the portal still reach them.
  const post = (path: string, fallback: string, run: Run) =>
    router.post(path, requireCsrf, action(deps, fallback, run));

  post('/requests', '/', async (req, user) => {
    const resourceId = field(req, 'resource');
    if (!deps.resources.some((r) => r.id === resourceId))
      throw notFound('unknown_resource', 'no such resource');
    const input: RequestInput = {
      resourceId,
      durationMs: durationOf(field(req, 'duration')),
      reason: optional(req, 'reason'),
      ticket: optional(req, 'ticket'),
      startAt: startOf(req),
    };
    const { decision, grant } = await deps.requests.create(
      subjectOf(user),
      input,
      deps.assurance(req),
    );
    const what = `${resourceName(deps, resourceId)} for ${formatDuration(input.durationMs)}`;
    if (grant)
      return `Access to ${what} granted until ${timeText(grant.endsAt)}: ${decision.reasons.join('; ')}`;
    return `Requested ${what}: ${decision.reasons.join('; ')}`;
  });

  post('/requests/:id/cancel', '/', async (req, user) => {
    const request = await deps.requests.cancel(subjectOf(user), String(req.params.id));
    return `Your request for ${resourceName(deps, request.resourceId)} is cancelled.`;
  });

  post('/requests/:id/approve', '/approvals', async (req, user) => {
    const duration = field(req, 'duration');
    const { request, grant } = await deps.requests.approve(
      subjectOf(user),
      String(req.params.id),
      { durationMs: duration ? durationOf(duration) : null, comment: optional(req, 'comment') },
      deps.assurance(req),
    );
    const who = await people(deps).name(request.userId);
    const what = resourceName(deps, request.resourceId);
    if (!grant) {
      const yes = request.approvals.filter((a) => a.decision === 'approve').length;
      return `Your approval is recorded (${yes} of ${request.approvalsRequired}); ${who}'s access to ${what} starts when enough approvers agree.`;
    }
    return `Approved: ${who} has ${what} from ${timeText(grant.startsAt)} until ${timeText(grant.endsAt)}.`;
  });

  post('/requests/:id/deny', '/approvals', async (req, user) => {
    const request = await deps.requests.deny(
      subjectOf(user),
      String(req.params.id),
      optional(req, 'comment'),
      deps.assurance(req),
    );
    const who = await people(deps).name(request.userId);
    return `Denied ${who}'s request for ${resourceName(deps, request.resourceId)}.`;
  });

  post('/grants/:id/release', '/', async (req, user) => {
    const grant = await deps.grantEnding.release(subjectOf(user), String(req.params.id));
    return `You released your access to ${resourceName(deps, grant.resourceId)}.`;
  });

  post('/grants/:id/revoke', '/approvals', async (req, user) => {
    const id = String(req.params.id);
    const reason = optional(req, 'reason');
    const grant = await deps.grantEnding.revoke(subjectOf(user), id, reason);
    const who = await people(deps).name(grant.userId);
    return `Revoked ${who}'s access to ${resourceName(deps, grant.resourceId)}.`;
  });

  return router;
}
