/**
 * One resource's state as the "My access" row and the resource page show it, with the actions
 * that state allows (cancel a pending request, open or release an active grant).
 */
import type { ResourceConfig } from '../config/schema.js';
import { html, type SafeHtml } from '../shared/html.js';
import type { Standing } from '../access/access-state.js';
import { csrfField } from '../identity/csrf.js';
import { countdown, formatDuration, timeCell } from './format.js';
import type { People } from './people.js';

export interface CellContext {
  csrf: string;
  now: number;
  origin: string | undefined;
  people: People;
  /** Where forms redirect back to. */
  back: string;
}

const post = (action: string, ctx: CellContext, button: SafeHtml, extra = html``) =>
  html`<form method="post" action="${action}" class="inline">
    ${csrfField(ctx.csrf)}<input type="hidden" name="back" value="${ctx.back}" />${extra}${button}
  </form>`;

export async function accessCell(
  resource: ResourceConfig,
  access: Standing,
  ctx: CellContext,
): Promise<SafeHtml> {
  const name = resource.name ?? resource.id;
  switch (access.state) {
    case 'active': {
      const { grant } = access;
      const open = ctx.origin
        ? html`<a class="button" href="${ctx.origin}/" target="_blank" rel="noopener">Open</a>`
        : resource.kind === 'ssh'
          ? html`<a class="button" href="/terminal/${resource.id}">Open terminal</a>`
          : html``;
      return html`<span class="state-active">active</span>
        ${grant.breakGlass ? html`<span class="badge break-glass">BREAK-GLASS</span>` : html``}
        until ${timeCell(grant.endsAt)} · ${countdown(grant.endsAt, ctx.now)} left
        <div>
          ${open}
          ${post(
            `/grants/${grant.id}/release`,
            ctx,
            html`<button type="submit" class="secondary">Release</button>`,
          )}
        </div>`;
    }
    case 'scheduled':
      return html`<span class="state-pending">scheduled</span> from
        ${timeCell(access.grant.startsAt)} until ${timeCell(access.grant.endsAt)}`;
    case 'pending': {
      const { request } = access;
      const yes = request.approvals.filter((a) => a.decision === 'approve').length;
      return html`<span class="state-pending">pending</span> since ${timeCell(request.createdAt)},
        ${formatDuration(request.durationMs)} · approvals ${yes} of ${request.approvalsRequired} ·
        expires unanswered at ${timeCell(request.expiresAt)}
        <div>
          ${post(
            `/requests/${request.id}/cancel`,
            ctx,
            html`<button type="submit" class="secondary">Cancel request</button>`,
          )}
        </div>`;
    }
    case 'denied': {
      const { request } = access;
      const by = await ctx.people.name(request.decidedBy);
      const comment = request.comment
        ? html`: <q class="comment">${request.comment}</q>`
        : html` (no comment)`;
      return html`<span class="state-denied">denied</span> by ${by} at
        ${timeCell(request.decidedAt)}${comment}`;
    }
    case 'ended': {
      const { grant, end } = access;
      const how =
        end === 'expired'
          ? html`expired at ${timeCell(grant.endsAt)}`
          : end === 'released'
            ? html`released at ${timeCell(grant.revokedAt)}`
            : html`revoked by ${await ctx.people.name(grant.revokedBy)} at
              ${timeCell(grant.revokedAt)}`;
      return html`<span class="muted">no access</span> ·
        <span class="ended">your last access to ${name} ${how}</span>`;
    }
    case 'none': {
      const last = access.request;
      const note =
        last?.state === 'expired'
          ? html` · your last request expired unanswered`
          : last?.state === 'cancelled'
            ? html` · you cancelled your last request`
            : html``;
      return html`<span class="muted">no access</span>${note}`;
    }
  }
}
