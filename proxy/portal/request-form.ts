/**
 * The "Request access" form for one resource, shaped by what this person may request now
 * (access-state's requestOptions, which the API's /resources answers too): durations up to the
 * longest maxDuration, a reason when every open policy wants one, a ticket when one asks for it.
 * Policy decides again on submit; the form only saves a round trip.
 */
import type { RequestOptions } from '../access/access-state.js';
import type { ResourceConfig } from '../config/schema.js';
import { html, type SafeHtml } from '../shared/html.js';
import { csrfField } from '../identity/csrf.js';
import { durationOptions, formatDuration, requestDurations } from './format.js';

const DEFAULT_MS = 30 * 60_000;

export interface RequestFormOptions {
  resource: ResourceConfig;
  /** What the person may ask for now. */
  may: RequestOptions;
  csrf: string;
  /** Where the answer redirects to: "/" or this resource's page. */
  back: string;
  /** Label of the submit button ("Request access", "Request more time"). */
  label?: string;
}

export function requestForm(options: RequestFormOptions): SafeHtml {
  const { resource, may, csrf, back } = options;
  if (!may.requestable)
    return html`<div class="muted" data-requestable="false">
      <p>No policy lets you request ${resource.name ?? resource.id} now.</p>
      <ul class="policy-reasons">
        ${may.preview.reasons.map((reason) => html`<li>${reason}</li>`)}
      </ul>
    </div>`;
  const maxMs = may.maxDurationMs;
  const choices = requestDurations(maxMs);
  const selected = choices.includes(DEFAULT_MS) ? DEFAULT_MS : choices[0];
  const reasonRequired = may.requireReason;
  const ticketPatterns = may.ticket.patterns;
  const ticketRequired = may.ticket.required;
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
