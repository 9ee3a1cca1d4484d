/**
 * "History" (`/history`): my requests and grants, newest first, with who decided and what they
 * said; approvers also see the recent decisions on requests they could have decided.
 */
import express from 'express';
import { grantState } from '../access/access-state.js';
import type { AccessRequest } from '../access/request-record.js';
import type { SessionUser } from '../identity/session-user.js';
import { html, type SafeHtml } from '../shared/html.js';
import type { GrantRecord } from '../store/types.js';
import { resourceName, type PortalDeps } from './deps.js';
import { formatDuration, timeCell } from './format.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { endedEarly, people, type People } from './people.js';
import { signedInUser } from '../identity/signed-in.js';

const DECIDED = ['approved', 'denied', 'expired', 'cancelled'] as const;
const RECENT_DECISIONS = 50;

async function requestRows(
  deps: PortalDeps,
  who: People,
  requests: readonly AccessRequest[],
  withRequester: boolean,
): Promise<SafeHtml> {
  if (requests.length === 0) return html`<p class="muted">None yet.</p>`;
  const rows = await Promise.all(
    requests.map(
      async (r) =>
        html`<tr data-request="${r.id}" data-state="${r.state}">
          ${withRequester ? html`<td>${await who.name(r.userId)}</td>` : html``}
          <td>${resourceName(deps, r.resourceId)}</td>
          <td class="state">${r.state}</td>
          <td>${formatDuration(r.durationMs)}</td>
          <td>
            ${r.reason ?? ''}${r.ticket ? html` <span class="muted">(${r.ticket})</span>` : html``}
          </td>
          <td>${timeCell(r.createdAt)}</td>
          <td>${timeCell(r.decidedAt)}</td>
          <td>${r.decidedBy === null ? '' : await who.name(r.decidedBy)}</td>
          <td>${r.comment ?? ''}</td>
        </tr>`,
    ),
  );
  return html`<table>
    <thead>
      <tr>
        ${withRequester ? html`<th>Person</th>` : html``}
        <th>Resource</th>
        <th>State</th>
        <th>Duration</th>
        <th>Reason</th>
        <th>Requested</th>
        <th>Decided</th>
        <th>By</th>
        <th>Comment</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

async function grantRows(deps: PortalDeps, who: People, grants: readonly GrantRecord[]) {
  if (grants.length === 0) return html`<p class="muted">None yet.</p>`;
  const now = deps.now();
  const rows = await Promise.all(
    grants.map(async (grant) => {
      // People read how it ended: released by its holder, revoked by someone else, expired.
      const life = grantState(grant, now);
      const state = life.state === 'ended' ? life.end : life.state;
      const ended = (await endedEarly(grant, now, who)) ?? html``;
      return html`<tr data-grant="${grant.id}" data-state="${state}">
        <td>${resourceName(deps, grant.resourceId)}</td>
        <td class="state">${state}</td>
        <td>${timeCell(grant.startsAt)}</td>
        <td>${timeCell(grant.endsAt)}</td>
        <td>${await who.name(grant.createdBy)}</td>
        <td>${grant.reason ?? ''}</td>
        <td>${ended}</td>
      </tr>`;
    }),
  );
  return html`<table>
    <thead>
      <tr>
        <th>Resource</th>
        <th>State</th>
        <th>Starts</th>
        <th>Ends</th>
        <th>Allowed by</th>
        <th>Reason</th>
        <th>Ended</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** Decided requests on resources `user` approves for, other people's only. */
async function decisionsFor(deps: PortalDeps, user: SessionUser): Promise<AccessRequest[]> {
  const overseen = deps.authorization.overseenResources(
    user,
    deps.resources.map((r) => r.id),
  );
  const decided = await deps.store.requests.list({ states: DECIDED, limit: 500 });
  return decided
    .filter((r) => r.userId !== user.id && overseen.has(r.resourceId))
    .sort((a, b) => (b.decidedAt ?? b.createdAt) - (a.decidedAt ?? a.createdAt))
    .slice(0, RECENT_DECISIONS);
}

export function historyRoutes(deps: PortalDeps): express.Router {
  const router = express.Router();
  router.get('/history', async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const viewer = await viewerOf(deps, req, user);
    const who = people(deps);
    const [requests, grants] = await Promise.all([
      deps.queries.listMine(user.id),
      deps.grants.listForUser(user.id),
    ]);
    const byNewest = <T extends { createdAt: number }>(items: T[]) =>
      [...items].sort((a, b) => b.createdAt - a.createdAt);
    const decisions = deps.authorization.maySeeApprovals(user)
      ? html`<h2>Recent decisions on requests you approve</h2>
          <div id="decisions">
            ${await requestRows(deps, who, await decisionsFor(deps, user), true)}
          </div>`
      : html``;
    const body = html`<h1>History</h1>
      <h2>My requests</h2>
      <div id="my-requests">${await requestRows(deps, who, byNewest(requests), false)}</div>
      <h2>My grants</h2>
      <div id="my-grants">${await grantRows(deps, who, byNewest(grants))}</div>
      ${decisions}`;
    sendPortalPage(res, viewer, '/history', 'History', body);
  });
  return router;
}
