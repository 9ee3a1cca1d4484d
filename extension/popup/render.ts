/**
 * The popup's DOM, built from the snapshot with createElement and textContent only (nothing the
 * proxy sends is ever parsed as HTML). Buttons carry data attributes; popup.ts acts on them.
 */
import type { ApprovalView, ResourceView, ReviewView, Snapshot } from '../shared/state.js';
import { breakGlassDurations, durationChoices } from '../shared/views.js';
import { restoreTyped, saveTyped } from './typed-input.js';

type Attrs = Record<string, string>;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** "12m 05s", "1h 02m": what is left of a grant. */
export function remaining(endsAt: number, now: number): string {
  const s = Math.max(0, Math.floor((endsAt - now) / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${two(m)}m` : `${m}m ${two(s % 60)}s`;
}

function requestForm(r: ResourceView): HTMLFormElement {
  const duration = el('select', { name: 'duration' });
  for (const choice of durationChoices(r.maxDurationMs))
    duration.append(el('option', { value: choice.label }, choice.label));
  const reason = el('input', { name: 'reason', maxlength: '1000' });
  if (r.requireReason) reason.required = true;
  const form = el(
    'form',
    { 'data-request': r.id },
    el('label', {}, 'Reason', reason),
    el('label', {}, 'Duration', duration),
  );
  if (r.ticketPattern)
    form.append(el('label', {}, 'Ticket', el('input', { name: 'ticket', required: '' })));
  form.append(el('button', { type: 'submit' }, 'Request access'));
  return form;
}

/**
 * Emergency access, apart from the request form and marked as such: folded away until opened,
 * asking for the incident, a duration within the policy's hard cap and a reason. Nothing is
 * required here: the server checks each and its refusal is shown in its words.
 */
function breakGlassForm(r: ResourceView, rule: NonNullable<ResourceView['breakGlass']>) {
  const duration = el('select', { name: 'duration' });
  for (const choice of breakGlassDurations(rule.maxDurationMs))
    duration.append(el('option', { value: choice.label }, choice.label));
  return el(
    'details',
    { class: 'break-glass' },
    el('summary', {}, 'Emergency access'),
    el(
      'form',
      { 'data-break-glass': r.id },
      el('p', { class: 'warning' }, 'No approver: it starts at once, after MFA, and is reviewed.'),
      el(
        'label',
        {},
        'Incident',
        el('input', { name: 'incident', maxlength: '200', placeholder: rule.incidentPattern }),
      ),
      el('label', {}, 'Duration', duration),
      el('label', {}, 'Reason', el('input', { name: 'reason', maxlength: '1000' })),
      el('button', { type: 'submit', class: 'danger' }, 'Break the glass'),
    ),
  );
}

function resourceItem(r: ResourceView, now: number): HTMLLIElement {
  const item = resourceState(r, now);
  if (r.breakGlass && r.state !== 'active') item.append(breakGlassForm(r, r.breakGlass));
  return item;
}

function resourceState(r: ResourceView, now: number): HTMLLIElement {
  const item = el(
    'li',
    { 'data-resource': r.id, 'data-state': r.state },
    el('div', { class: 'name' }, r.name),
  );
  if (r.state === 'active' && r.endsAt !== null) {
    item.append(
      el(
        'div',
        { class: 'status' },
        'Active, ',
        el(
          'span',
          { class: 'countdown', 'data-ends-at': String(r.endsAt) },
          remaining(r.endsAt, now),
        ),
        ' left',
      ),
    );
    if (r.origin) item.append(el('button', { type: 'button', 'data-open': r.id }, 'Open'), ' ');
    if (r.grant)
      item.append(
        el('button', { type: 'button', class: 'secondary', 'data-release': r.grant }, 'Release'),
      );
    return item;
  }
  if (r.state === 'pending') {
    item.append(el('div', { class: 'status' }, 'Waiting for approval'));
    return item;
  }
  if (r.state === 'denied')
    item.append(el('div', { class: 'status denied' }, `Denied: ${r.comment ?? 'no comment'}`));
  if (r.requestable) item.append(requestForm(r));
  else item.append(el('div', { class: 'status' }, 'No policy lets you ask for this now.'));
  return item;
}

function approvalItem(a: ApprovalView): HTMLLIElement {
  return el(
    'li',
    { 'data-approval': a.id },
    el('div', { class: 'name' }, `${a.requester} → ${a.resource} for ${a.duration}`),
    el('div', { class: 'status reason' }, a.reason ?? ''),
    // A denial says why (the requester reads it); the proxy refuses one without a comment.
    el('input', {
      name: 'comment',
      maxlength: '1000',
      placeholder: 'Comment (needed to deny)',
      'aria-label': 'Comment',
    }),
    el('button', { type: 'button', 'data-decide': 'approve', 'data-id': a.id }, 'Approve'),
    ' ',
    el(
      'button',
      { type: 'button', class: 'secondary', 'data-decide': 'deny', 'data-id': a.id },
      'Deny',
    ),
  );
}

/** One break-glass grant waiting for my review, overdue ones said so. */
function reviewItem(r: ReviewView): HTMLLIElement {
  const item = el(
    'li',
    { 'data-review': r.grant },
    `${r.person} broke the glass on ${r.resource} (${r.incident})`,
  );
  if (r.overdue) item.append(' ', el('strong', { class: 'overdue' }, 'OVERDUE'));
  return item;
}

/** The loud banner: break-glass grants waiting for my review, with the portal's review page. */
function renderReviews(snapshot: Snapshot | undefined) {
  const reviews = snapshot?.reviews ?? [];
  const banner = byId('break-glass-banner');
  banner.hidden = reviews.length === 0;
  banner.classList.toggle(
    'overdue',
    reviews.some((r) => r.overdue),
  );
  byId('break-glass-reviews').replaceChildren(...reviews.map(reviewItem));
  const link = byId('break-glass-link') as HTMLAnchorElement;
  link.href = snapshot ? `${snapshot.origin}/break-glass` : '#';
}

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** Replaces the popup's content with `snapshot` (undefined: signed out), keeping what is typed. */
export function render(snapshot: Snapshot | undefined, now: number): void {
  const typed = saveTyped(document.body);
  byId('signed-out').hidden = snapshot !== undefined;
  byId('sign-out').hidden = snapshot === undefined;
  byId('resources-section').hidden = snapshot === undefined;
  byId('who').textContent = snapshot?.username ?? '';
  const problem = byId('problem');
  problem.hidden = !snapshot?.problem;
  problem.textContent = snapshot?.problem ?? '';
  byId('resources').replaceChildren(
    ...(snapshot?.resources ?? []).map((r) => resourceItem(r, now)),
  );
  const approvals = snapshot?.approvals ?? [];
  byId('approvals-section').hidden = approvals.length === 0;
  byId('approvals-count').textContent = String(approvals.length);
  byId('approvals').replaceChildren(...approvals.map(approvalItem));
  renderReviews(snapshot);
  restoreTyped(document.body, typed);
}

/** Moves every countdown on by the clock, without rebuilding anything. */
export function tick(now: number): void {
  for (const node of document.querySelectorAll<HTMLElement>('[data-ends-at]'))
    node.textContent = remaining(Number(node.dataset.endsAt), now);
}

export function showProblem(message: string): void {
  const problem = byId('problem');
  problem.hidden = false;
  problem.textContent = message;
}
