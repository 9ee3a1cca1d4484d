/**
 * The "Request access" form for one resource, shaped by the policies that let this person ask
 * for it: durations up to the longest maxDuration, a reason when every such policy wants one, a
 * ticket when one asks for it. Policy decides again on submit; the form only saves a round trip.
 */
import { policiesFor } from '../access/policy.js';
import type { Subject } from '../access/types.js';
import type { PolicyConfig, ResourceConfig } from '../config/schema.js';
import { html, type SafeHtml } from '../shared/html.js';
import { csrfField } from './csrf.js';
import { durationOptions, formatDuration, requestDurations } from './format.js';

const DEFAULT_MS = 30 * 60_000;

export interface RequestFormOptions {
  subject: Subject;
  resource: ResourceConfig;
  policies: readonly PolicyConfig[];
  csrf: string;
  /** Where the answer redirects to: "/" or this resource's page. */
  back: string;
  /** Label of the submit button ("Request access", "Request more time"). */
  label?: string;
}

export function requestForm(options: RequestFormOptions): SafeHtml {
  const { subject, resource, csrf, back } = options;
  const applicable = policiesFor(subject, resource.id, options.policies);
  if (applicable.length === 0)
    return html`<p class="muted">No policy lets you request ${resource.name ?? resource.id}.</p>`;
  const maxMs = Math.max(...applicable.map((p) => p.maxDuration));
  const choices = requestDurations(maxMs);
  const selected = choices.includes(DEFAULT_MS) ? DEFAULT_MS : choices[0];
  const reasonRequired = applicable.every((p) => p.requireReason);
  const ticketPatterns = [
    ...new Set(applicable.flatMap((p) => (p.ticketPattern ? [p.ticketPattern] : []))),
  ];
  const ticketRequired = applicable.every((p) => p.ticketPattern !== undefined);
  const id = (name: string) => `${name}-${resource.id}`;
  const ticket =
    ticketPatterns.length === 0
      ? html``
      : html`<label for="${id('ticket')}">Ticket${ticketRequired ? '' : ' (optional)'}</label>
          <input
            id="${id('ticket')}"
            name="ticket"
            maxlength="200"
            ${ticketRequired ? html`required` : html``}
            placeholder="${ticketPatterns.join(' or ')}"
          />`;
  return html`<form
    method="post"
    action="/requests"
    class="stack request-form"
    data-form="request-${resource.id}"
  >
    ${csrfField(csrf)}
    <input type="hidden" name="resource" value="${resource.id}" />
    <input type="hidden" name="back" value="${back}" />
    <label for="${id('duration')}">Duration (up to ${formatDuration(maxMs)})</label>
    <select id="${id('duration')}" name="duration">
      ${durationOptions(choices, selected)}
    </select>
    <label for="${id('reason')}">Reason${reasonRequired ? '' : ' (optional)'}</label>
    <textarea
      id="${id('reason')}"
      name="reason"
      rows="2"
      cols="40"
      maxlength="1000"
      ${reasonRequired ? html`required` : html``}
    ></textarea>
    ${ticket}
    <label for="${id('start')}">Start at (optional, <span data-tz>UTC</span>)</label>
    <input id="${id('start')}" type="datetime-local" name="startAt" data-local-time />
    <input type="hidden" name="startAtIso" />
    <button type="submit">${options.label ?? 'Request access'}</button>
  </form>`;
}
