/**
 * Portal forms that policy refuses for want of a step-up are not lost: the form is remembered in
 * the session, the person steps up at /mfa/verify, and /mfa/resume sends the same form again
 * (with the new session's CSRF token; the portal script submits it, or the person clicks).
 */
import express, { type Request, type Response } from 'express';
import type { SessionUser } from '../identity/session-user.js';
import '../identity/mfa/mfa-session.js';
import { html } from '../shared/html.js';
import { csrfField } from '../identity/csrf.js';
import type { PortalDeps } from './deps.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { signedInUser } from '../identity/signed-in.js';

/** Only the portal's own step-up-guarded forms are sent again. */
const RESUMABLE =
  /^\/(?:requests|break-glass|requests\/req_[A-Za-z0-9_-]{8,64}\/(?:approve|deny)|mfa\/factors\/mfa_[A-Za-z0-9_-]{8,64}\/remove)$/;
/** A form older than this is stale: the person may have changed their mind. */
export const RESUME_MS = 5 * 60_000;
const MAX_FIELDS = 16;
const MAX_FIELD_CHARS = 2000;

/** Remembers this refused form and sends the person to step up; answers the request. */
export function resumeAfterStepUp(req: Request, res: Response, user: SessionUser, now: number) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const fields = Object.entries(body)
    .filter(([name, value]) => name !== '_csrf' && typeof value === 'string')
    .slice(0, MAX_FIELDS)
    .map(([name, value]) => [name, String(value).slice(0, MAX_FIELD_CHARS)]);
  if (RESUMABLE.test(req.path)) {
    req.session.stepUpResume = {
      userId: user.id,
      path: req.path,
      fields: Object.fromEntries(fields) as Record<string, string>,
      at: now,
    };
  }
  res.redirect(303, `/mfa/verify?rd=${encodeURIComponent('/mfa/resume')}`);
}

export function resumeRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();
  router.get('/mfa/resume', async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const resume = req.session.stepUpResume;
    delete req.session.stepUpResume; // once: a reload does not send the form a second time
    const usable =
      resume !== undefined &&
      resume.userId === user.id &&
      deps.now() - resume.at < RESUME_MS &&
      RESUMABLE.test(resume.path);
    if (!usable) return res.redirect(303, '/');
    const viewer = await viewerOf(deps, req, user);
    const hidden = Object.entries(resume.fields).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    );
    const body = html`<h1>Verified</h1>
      <p>Sending your form again…</p>
      <form method="post" action="${resume.path}" data-autosubmit data-form="resume">
        ${csrfField(viewer.csrf)}${hidden}
        <button type="submit">Continue</button>
      </form>`;
    sendPortalPage(res, viewer, '', 'Continue', body);
  });
  return router;
}
