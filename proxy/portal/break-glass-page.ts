/**
 * Break-glass in the portal (`/break-glass`): the emergency form for the people a policy names
 * (incident, duration within the cap, reason; a step-up first), the break-glass grants waiting
 * for my review with everything needed to judge them, and the review form. The banner that
 * approvers see on Approvals comes from here too.
 */
import express, { type Request, type Response } from 'express';
import type { BreakGlassRecord } from '../access/break-glass-record.js';
import { StepUpRequired } from '../access/step-up.js';
import { subjectOf, type SessionUser } from '../identity/session-user.js';
import { parseDuration } from '../shared/duration.js';
import { JitgateError, badRequest, notFound } from '../shared/errors.js';
import { html, type SafeHtml } from '../shared/html.js';
import { csrfField, requireCsrf } from '../identity/csrf.js';
import { resourceName, type PortalDeps } from './deps.js';
import { formatDuration, timeCell } from './format.js';
import { sendPortalPage, viewerOf, type Viewer } from './layout.js';
import { identityNote, people, type People } from './people.js';
import { setFlash } from './session.js';
import { signedInUser } from '../identity/signed-in.js';
import { resumeAfterStepUp } from './step-up-resume.js';

const field = (req: Request, name: string): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** The banner approvers see: break-glass grants waiting for their review, overdue ones first. */
export async function breakGlassBanner(deps: PortalDeps, user: SessionUser): Promise<SafeHtml> {
  const waiting = await deps.breakGlass.toReview(subjectOf(user));
  if (waiting.length === 0) return html``;
  const who = people(deps);
  const now = deps.now();
  const items = await Promise.all(
    waiting.map(
      async (r) =>
        html`<li data-break-glass="${r.grantId}">
          <strong>${await who.name(r.userId)}</strong> broke the glass on
          ${resourceName(deps, r.resourceId)} (${r.incident})
          ${r.reviewDueAt <= now ? html`<strong class="overdue">review overdue</strong>` : html``}
        </li>`,
    ),
  );
  return html`<div class="flash error" id="break-glass-banner" role="alert">
    <strong>Break-glass access needs your review</strong>
    <ul>
      ${items}
    </ul>
    <a href="/break-glass">Review break-glass access</a>
  </div>`;
}

async function reviewItem(viewer: Viewer, who: People, deps: PortalDeps, r: BreakGlassRecord) {
  const now = deps.now();
  const grant = await deps.store.grants.get(r.grantId);
  return html`<section class="queue-item" data-review="${r.grantId}">
    <h3>
      <span class="badge break-glass">BREAK-GLASS</span>
      <span class="requester">${await who.name(r.userId)}</span>
      ${identityNote(await who.get(r.userId))} took
      <strong>${resourceName(deps, r.resourceId)}</strong>
      ${grant ? `for ${formatDuration(grant.endsAt - grant.startsAt)}` : ''}
    </h3>
    <dl>
      <dt>Incident</dt>
      <dd class="incident">${r.incident}</dd>
      <dt>Reason</dt>
      <dd class="reason">${r.reason}</dd>
      <dt>When</dt>
      <dd>${timeCell(r.createdAt)}</dd>
      <dt>Review due</dt>
      <dd>
        ${timeCell(r.reviewDueAt)}
        ${r.reviewDueAt <= now ? html`<strong class="overdue">overdue</strong>` : html``}
      </dd>
      <dt>What was done</dt>
      <dd>
        <a href="/sessions?person=${r.userId}&amp;resource=${r.resourceId}">terminal sessions</a>
        · <a href="/grants/${r.grantId}/trail">web trail</a>
      </dd>
    </dl>
    <form method="post" action="/break-glass/${r.grantId}/review" data-form="review-${r.grantId}">
      ${csrfField(viewer.csrf)}
      <!-- A select, not radio buttons: the portal's live refresh keeps a changed select. -->
      <label
        >Verdict
        <select name="verdict" required>
          <option value="">choose…</option>
          <option value="justified">Justified</option>
          <option value="not_justified">Not justified</option>
        </select></label
      >
      <label>Comment <input name="comment" maxlength="1000" required /></label>
      <button type="submit">Record review</button>
    </form>
  </section>`;
}

function emergencyForm(deps: PortalDeps, viewer: Viewer): SafeHtml {
  const me = subjectOf(viewer.user);
  const mine = deps.resources.filter((r) => deps.authorization.mayBreakGlass(me, r.id));
  if (mine.length === 0) return html``;
  const options = mine.map((r) => {
    const cap = deps.authorization.breakGlassPolicies(me, r.id)[0]?.breakGlass.maxDuration ?? 0;
    return html`<option value="${r.id}">
      ${r.name ?? r.id} (at most ${formatDuration(cap)})
    </option>`;
  });
  return html`<h2>Emergency access</h2>
    <p class="muted">
      No approver: access starts at once, after an MFA step-up. It is announced, audited and
      reviewed by an approver afterwards.
    </p>
    <form method="post" action="/break-glass" id="break-glass-form" data-form="break-glass">
      ${csrfField(viewer.csrf)}
      <label
        >Resource
        <select name="resource">
          ${options}
        </select></label
      >
      <label>Incident <input name="incident" maxlength="200" required /></label>
      <label>Duration <input name="duration" value="15m" maxlength="16" required /></label>
      <label>Reason <input name="reason" maxlength="1000" required /></label>
      <button type="submit" class="danger">Break the glass</button>
    </form>`;
}

export function breakGlassPageRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();

  router.get('/break-glass', async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const viewer = await viewerOf(deps, req, user);
    const who = people(deps);
    const waiting = await deps.breakGlass.toReview(subjectOf(user));
    const items = await Promise.all(waiting.map((r) => reviewItem(viewer, who, deps, r)));
    const body = html`<h1>Break-glass</h1>
      ${emergencyForm(deps, viewer)}
      <h2>Waiting for your review</h2>
      <div id="reviews">
        ${items.length > 0 ? items : html`<p class="muted">Nothing waits for your review.</p>`}
      </div>`;
    sendPortalPage(res, viewer, '', 'Break-glass', body);
  });

  const post = (path: string, run: (req: Request, user: SessionUser) => Promise<string>) =>
    router.post(path, requireCsrf, async (req: Request, res: Response) => {
      const user = req.session.user;
      if (!user) return res.redirect(303, '/');
      try {
        setFlash(req, { kind: 'ok', text: await run(req, user) });
      } catch (error) {
        if (error instanceof StepUpRequired) return resumeAfterStepUp(req, res, user, deps.now());
        if (!(error instanceof JitgateError) || error.status >= 500) throw error;
        setFlash(req, { kind: 'error', text: `Refused: ${error.message}` });
      }
      res.redirect(303, '/break-glass');
    });

  post('/break-glass', async (req, user) => {
    const resourceId = field(req, 'resource');
    if (!deps.resources.some((r) => r.id === resourceId))
      throw notFound('unknown_resource', 'no such resource');
    const durationMs = parseDuration(field(req, 'duration'));
    if (durationMs === undefined) throw badRequest('invalid_duration', 'that is not a duration');
    const { grant, record } = await deps.breakGlass.breakGlass(
      subjectOf(user),
      {
        resourceId,
        durationMs,
        incident: field(req, 'incident') || null,
        reason: field(req, 'reason') || null,
      },
      deps.assurance(req),
    );
    return `Break-glass access to ${resourceName(deps, resourceId)} until ${new Date(grant.endsAt).toISOString()} for ${record.incident}. An approver will review it.`;
  });

  post('/break-glass/:grant/review', async (req, user) => {
    const verdict = field(req, 'verdict');
    if (verdict !== 'justified' && verdict !== 'not_justified')
      throw badRequest('invalid_body', 'say justified or not justified');
    const comment = field(req, 'comment');
    if (!comment) throw badRequest('invalid_body', 'a review needs a comment');
    const reviewed = await deps.breakGlass.review(
      subjectOf(user),
      String(req.params.grant),
      verdict,
      comment,
    );
    return `Reviewed ${resourceName(deps, reviewed.resourceId)} (${reviewed.incident}): ${verdict.replace('_', ' ')}.`;
  });

  return router;
}
