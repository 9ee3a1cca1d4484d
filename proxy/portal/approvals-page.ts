/**
 * "Approvals" (`/approvals`): requests waiting for this person with everything needed to decide
 * (who, what, how long, why, what policy said), approve (optionally shorter) or deny; their own
 * requests, which the domain never lets them approve; and the live grants they may revoke.
 */
import express from 'express';
import { policyById } from '../access/policy.js';
import { priorApprovers } from '../access/prior-approvers.js';
import type { AccessRequest } from '../access/request-record.js';
import { subjectOf, type SessionUser } from '../identity/session-user.js';
import { forbidden } from '../shared/errors.js';
import { html, type SafeHtml } from '../shared/html.js';
import type { GrantRecord } from '../store/types.js';
import { csrfField } from '../identity/csrf.js';
import { resourceName, type PortalDeps } from './deps.js';
import { breakGlassBanner } from './break-glass-page.js';
import {
  countdown,
  durationOptions,
  formatDuration,
  shorterDurations,
  timeCell,
} from './format.js';
import { sendPortalPage, viewerOf, type Viewer } from './layout.js';
import { identityNote, people, type People } from './people.js';
import { signedInUser } from '../identity/signed-in.js';

async function queueItem(deps: PortalDeps, viewer: Viewer, who: People, request: AccessRequest) {
  const requester = await who.get(request.userId);
  const yes = request.approvals.filter((a) => a.decision === 'approve');
  const names = await Promise.all(yes.map((a) => who.name(a.approverId)));
  const csrf = csrfField(viewer.csrf);
  const action = `/requests/${request.id}`;
  return html`<section class="queue-item" data-request="${request.id}">
    <h3>
      <span class="requester">${requester?.username ?? request.userId}</span>
      <span class="muted">${requester?.email ?? ''}</span> ${identityNote(requester)} asks for
      <strong>${resourceName(deps, request.resourceId)}</strong> for
      ${formatDuration(request.durationMs)}
    </h3>
    <dl class="facts">
      <dt>Reason</dt>
      <dd class="reason">${request.reason ?? '(none given)'}</dd>
      ${
        request.ticket
          ? html`<dt>Ticket</dt>
              <dd class="ticket">${request.ticket}</dd>`
          : html``
      }
      ${
        request.startAt
          ? html`<dt>Starts</dt>
              <dd>${timeCell(request.startAt)}</dd>`
          : html``
      }
      <dt>Requested</dt>
      <dd>${timeCell(request.createdAt)}; expires unanswered at ${timeCell(request.expiresAt)}</dd>
      <dt>Policy</dt>
      <dd>
        <ul class="policy-reasons">
          ${request.policyReasons.map((reason) => html`<li>${reason}</li>`)}
        </ul>
      </dd>
      <dt>Approvals</dt>
      <dd class="approvals">
        ${yes.length} of ${request.approvalsRequired}${names.length ? ` (${names.join(', ')})` : ''}
      </dd>
    </dl>
    <div class="decide">
      <form method="post" action="${action}/approve" data-form="approve-${request.id}">
        ${csrf}
        <label
          >Duration
          <select name="duration">
            <option value="">as requested (${formatDuration(request.durationMs)})</option>
            ${durationOptions(shorterDurations(request.durationMs))}
          </select></label
        >
        <label>Comment <input name="comment" maxlength="1000" /></label>
        <button type="submit">Approve</button>
      </form>
      <form method="post" action="${action}/deny" data-form="deny-${request.id}">
        ${csrf}
        <label>Why not <input name="comment" maxlength="1000" required /></label>
        <button type="submit" class="danger">Deny</button>
      </form>
    </div>
  </section>`;
}

/** My own pending requests that my approval groups cover, and why I cannot approve them. */
async function ownRequests(deps: PortalDeps, user: SessionUser): Promise<SafeHtml> {
  const me = subjectOf(user);
  const mine = (await deps.queries.listMine(user.id)).filter((r) => r.state === 'pending');
  const listed = await Promise.all(
    mine.map(async (request) => {
      const policy = policyById(deps.policies, request.policyId);
      if (!policy || !deps.authorization.isApproverOf(user, policy)) return [];
      const priors = await priorApprovers(deps.store.users, request);
      const refusal = deps.authorization.mayApprove(me, me, policy, priors).reasons.join('; ');
      return [
        html`<li data-own-request="${request.id}">
          ${resourceName(deps, request.resourceId)} for ${formatDuration(request.durationMs)},
          requested ${timeCell(request.createdAt)}:
          <span class="error refusal">you cannot approve this: ${refusal}</span>
        </li>`,
      ];
    }),
  );
  const items = listed.flat();
  if (items.length === 0) return html``;
  return html`<h2>Your own requests</h2>
    <p class="muted">Another approver has to decide these.</p>
    <ul id="own-requests">
      ${items}
    </ul>`;
}

/** Live and scheduled grants the viewer may revoke: the rule GrantEnding.revoke applies. */
async function revocable(deps: PortalDeps, viewer: Viewer): Promise<GrantRecord[]> {
  const { authorization } = deps;
  const ids = deps.resources.map((r) => r.id);
  const overseen = authorization.overseenResources(viewer.user, ids);
  const candidates = (await deps.store.grants.listLive(deps.now())).filter((g) =>
    overseen.has(g.resourceId),
  );
  const allowed = await Promise.all(
    candidates.map((grant) => deps.grantEnding.mayRevoke(viewer.user, grant)),
  );
  return candidates.filter((_, i) => allowed[i]);
}

async function liveGrants(deps: PortalDeps, viewer: Viewer, who: People): Promise<SafeHtml> {
  const now = deps.now();
  const grants = await revocable(deps, viewer);
  if (grants.length === 0) return html`<p class="muted" id="live-grants">No live grants.</p>`;
  const rows = await Promise.all(
    grants.map(
      async (grant) =>
        html`<tr data-grant="${grant.id}">
          <td>${await who.name(grant.userId)}</td>
          <td>
            ${resourceName(deps, grant.resourceId)}
            ${grant.breakGlass ? html`<span class="badge break-glass">BREAK-GLASS</span>` : html``}
          </td>
          <td>${grant.reason ?? ''}</td>
          <td class="nowrap">
            ${
              grant.startsAt > now
                ? html`starts ${timeCell(grant.startsAt)}`
                : html`${countdown(grant.endsAt, now)} left`
            }
          </td>
          <td>
            <form method="post" action="/grants/${grant.id}/revoke" class="revoke">
              ${csrfField(viewer.csrf)}
              <input name="reason" placeholder="reason (optional)" maxlength="1000" />
              <button type="submit" class="danger">Revoke</button>
            </form>
          </td>
        </tr>`,
    ),
  );
  return html`<table id="live-grants">
    <thead>
      <tr>
        <th>Person</th>
        <th>Resource</th>
        <th>Reason</th>
        <th>Ends</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

export function approvalsRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();
  router.get('/approvals', async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    if (!deps.authorization.maySeeApprovals(user))
      throw forbidden('not_an_approver', 'only approvers see the approvals queue');
    const viewer = await viewerOf(deps, req, user);
    const who = people(deps);
    const queue = await deps.queries.approvable(subjectOf(user));
    const items = await Promise.all(queue.map((r) => queueItem(deps, viewer, who, r)));
    const body = html`<h1>Approvals</h1>
      ${await breakGlassBanner(deps, user)}
      <h2>Waiting for you</h2>
      <div id="queue">
        ${items.length > 0 ? items : html`<p class="muted">Nothing is waiting for you.</p>`}
      </div>
      ${await ownRequests(deps, user)}
      <h2>Live grants you may revoke</h2>
      ${await liveGrants(deps, viewer, who)}`;
    sendPortalPage(res, viewer, '/approvals', 'Approvals', body);
  });
  return router;
}
