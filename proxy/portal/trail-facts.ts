/**
 * The facts around a grant's trail: who held it, for what and when, the request behind it (reason,
 * ticket, approvals) and its terminal recordings. The section for recordings appears only when
 * there are some: the page never shows an empty promise.
 */
import { grantStateName } from '../access/access-state.js';
import { html, type SafeHtml } from '../shared/html.js';
import type { GrantContext } from '../trail/grant-context.js';
import { resourceName, type PortalDeps } from './deps.js';
import { formatDuration, timeCell } from './format.js';
import { endedEarly, type People } from './people.js';

export interface Recording {
  id: string;
  label: string;
  href: string;
}

export async function grantFacts(deps: PortalDeps, who: People, context: GrantContext) {
  const { grant, holder } = context;
  const now = deps.now();
  const state = grantStateName(grant, now);
  const early = await endedEarly(grant, now, who);
  const ended = early
    ? html`<dt>Ended early</dt>
        <dd>${early}</dd>`
    : html``;
  return html`<section id="grant">
    <h2>Grant <code>${grant.id}</code></h2>
    <dl>
      <dt>Person</dt>
      <dd id="grant-person">
        ${holder?.username ?? grant.userId}
        <span class="muted">${holder ? `${holder.name ?? ''} · ${holder.kind}` : ''}</span>
      </dd>
      <dt>Resource</dt>
      <dd id="grant-resource">${resourceName(deps, grant.resourceId)}</dd>
      <dt>State</dt>
      <dd class="state-${state}">${state}</dd>
      <dt>Window</dt>
      <dd>${timeCell(grant.startsAt)} to ${timeCell(grant.endsAt)}</dd>
      ${ended}
    </dl>
  </section>`;
}

export async function requestFacts(who: People, context: GrantContext): Promise<SafeHtml> {
  const { request, grant } = context;
  if (!request)
    return html`<section id="grant-request">
      <h2>Request</h2>
      <p>
        Granted directly by ${await who.name(grant.createdBy)} (no request).
        ${grant.reason ? html`Reason: <q id="grant-reason">${grant.reason}</q>` : html``}
      </p>
    </section>`;
  const approvals = await Promise.all(
    request.approvals.map(
      async (a) =>
        html`<li>
          ${await who.name(a.approverId)}
          <strong>${a.decision === 'approve' ? 'approved' : 'denied'}</strong>
          ${timeCell(a.at)} ${a.durationMs ? `for ${formatDuration(a.durationMs)}` : ''}
          ${a.comment ? html`<q>${a.comment}</q>` : html``}
        </li>`,
    ),
  );
  return html`<section id="grant-request">
    <h2>Request</h2>
    <dl>
      <dt>Reason</dt>
      <dd id="grant-reason">${request.reason ?? '—'}</dd>
      ${
        request.ticket
          ? html`<dt>Ticket</dt>
              <dd>${request.ticket}</dd>`
          : html``
      }
      <dt>Asked</dt>
      <dd>${timeCell(request.createdAt)} for ${formatDuration(request.durationMs)}</dd>
      <dt>Policy</dt>
      <dd>${request.policyId ?? '—'}</dd>
    </dl>
    <h3>Approvals</h3>
    ${
      approvals.length
        ? html`<ul id="approvals">
            ${approvals}
          </ul>`
        : html`<p class="muted" id="approvals">
            ${request.state === 'approved' ? 'Approved by policy, without an approver.' : 'None.'}
          </p>`
    }
  </section>`;
}

export function recordingList(recordings: readonly Recording[]): SafeHtml {
  if (recordings.length === 0) return html``;
  return html`<section id="recordings">
    <h2>Terminal recordings</h2>
    <ul>
      ${recordings.map((r) => html`<li><a href="${r.href}">${r.label}</a></li>`)}
    </ul>
  </section>`;
}
